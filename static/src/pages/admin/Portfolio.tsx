// The global settings page's product health section, for Jira admins: every product ranked worst first
// (grade, trend, owner team, priority, what costs it most), filtered by team and priority, and the
// weights of the three health parts.
import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Form, { ErrorMessage, FormFooter, Label } from '@atlaskit/form';
import Select from '@atlaskit/select';
import type { PortfolioRow, PortfolioView } from '../../../../src/domain/health/views';
import type { HealthWeights } from '../../../../src/domain/health/weights';
import type { Priority } from '../../../../src/domain/model';

import { callResolver, ResolverCallError } from '../../shared/bridge';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { GradeLozenge, TrendArrow } from '../../shared/components/Health';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { PriorityLozenge } from '../../shared/components/MappedProduct';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { fieldErrors, TextField } from '../../shared/components/TextField';
import { useResolver } from '../../shared/use-resolver';
import './portfolio.css';

const ROWS_PER_PAGE = 25;
const PRIORITIES: Priority[] = ['critical', 'high', 'medium', 'low'];
/** The filter value for products without an owning team. */
const NO_TEAM = '\u0000none';

interface Option<T> {
  label: string;
  value: T;
}

export function Portfolio() {
  const query = useResolver<PortfolioView>('getPortfolio');
  return (
    <div data-testid="portfolio">
      <Section title="Product health portfolio">
        <AsyncView query={query} what="the product health portfolio">
          {(view) => <PortfolioTable rows={view.rows} />}
        </AsyncView>
      </Section>
      <Section title="Health weights">
        <AsyncView query={query} what="the health weights">
          {(view) => <WeightsForm stored={view.weights} />}
        </AsyncView>
      </Section>
    </div>
  );
}

function pathOf(row: PortfolioRow, names: Map<string, string>): string {
  return [...row.ancestorIds.map((id) => names.get(id) ?? id), row.name].join(' / ');
}

function PortfolioTable({ rows }: { rows: PortfolioRow[] }) {
  const [team, setTeam] = useState<string | null>(null);
  const [priority, setPriority] = useState<Priority | null>(null);
  const [page, setPage] = useState(1);
  const names = useMemo(() => new Map(rows.map((row) => [row.productId, row.name])), [rows]);
  const teams = useMemo(
    () => [...new Set(rows.flatMap((row) => (row.owningTeam ? [row.owningTeam] : [])))].sort(),
    [rows],
  );
  const shown = rows.filter(
    (row) =>
      (team === null || (team === NO_TEAM ? row.owningTeam === null : row.owningTeam === team)) &&
      (priority === null || row.priority === priority),
  );

  if (rows.length === 0) {
    return (
      <EmptyState title="No product has a health record yet">
        <p>
          Health is computed with the hourly sync for every product: create products and map Sentry and
          SonarCloud projects to them below, and they appear here within an hour.
        </p>
      </EmptyState>
    );
  }

  const teamOptions: Array<Option<string | null>> = [
    { label: 'Every team', value: null },
    ...teams.map((name) => ({ label: name, value: name })),
    ...(rows.some((row) => row.owningTeam === null) ? [{ label: 'No team', value: NO_TEAM }] : []),
  ];
  const priorityOptions: Array<Option<Priority | null>> = [
    { label: 'Every priority', value: null },
    ...PRIORITIES.map((value) => ({ label: value.charAt(0).toUpperCase() + value.slice(1), value })),
  ];
  const unscored = rows.filter((row) => row.score === null).length;

  const head = {
    cells: [
      { key: 'rank', content: '#' },
      { key: 'product', content: 'Product' },
      { key: 'grade', content: 'Grade' },
      { key: 'score', content: 'Score' },
      { key: 'trend', content: 'Trend' },
      { key: 'team', content: 'Owner team' },
      { key: 'priority', content: 'Priority' },
      { key: 'reason', content: 'Costs it most' },
    ],
  };
  const tableRows = shown.map((row, index) => ({
    key: row.productId,
    testId: 'portfolio-row',
    cells: [
      { key: 'rank', content: <span className="ph-num">{index + 1}</span> },
      { key: 'product', content: <span className="ph-wrap">{pathOf(row, names)}</span> },
      { key: 'grade', content: <GradeLozenge grade={row.grade} /> },
      {
        key: 'score',
        content: row.score === null ? <Subtle>no data</Subtle> : <span className="ph-num">{row.score}</span>,
      },
      { key: 'trend', content: <TrendArrow trend={row.trend} compact /> },
      { key: 'team', content: row.owningTeam ?? <Subtle>none</Subtle> },
      { key: 'priority', content: <PriorityLozenge priority={row.priority} /> },
      {
        key: 'reason',
        content: row.topReason ? <span className="ph-wrap">{row.topReason}</span> : <Subtle>—</Subtle>,
      },
    ],
  }));
  const newest = rows
    .map((row) => row.updatedAt)
    .sort()
    .at(-1);

  return (
    <>
      <p className="ph-subtle ph-portfolio__intro">
        Every product, worst first, with its trend against 7 days ago ({rows.length} in all
        {unscored > 0 ? `, ${unscored} without data yet, last` : ''}
        ). Computed by the hourly sync
        {newest ? (
          <>
            , last <TimeAgo iso={newest} />
          </>
        ) : null}
        .
      </p>
      <div className="ph-portfolio__filters">
        <div className="ph-portfolio__filter">
          <Label htmlFor="portfolio-team-input">Owner team</Label>
          <Select<Option<string | null>>
            inputId="portfolio-team-input"
            options={teamOptions}
            value={teamOptions.find((option) => option.value === team) ?? teamOptions[0]}
            onChange={(option) => {
              setTeam(option?.value ?? null);
              setPage(1);
            }}
            menuPosition="fixed"
            testId="portfolio-team"
          />
        </div>
        <div className="ph-portfolio__filter">
          <Label htmlFor="portfolio-priority-input">Priority</Label>
          <Select<Option<Priority | null>>
            inputId="portfolio-priority-input"
            options={priorityOptions}
            value={priorityOptions.find((option) => option.value === priority) ?? priorityOptions[0]}
            onChange={(option) => {
              setPriority(option?.value ?? null);
              setPage(1);
            }}
            menuPosition="fixed"
            testId="portfolio-priority"
          />
        </div>
        <p className="ph-subtle" aria-live="polite" data-testid="portfolio-count">
          {shown.length === rows.length
            ? `${rows.length} products`
            : `${shown.length} of ${rows.length} products`}
        </p>
      </div>
      <DynamicTable
        caption={<span className="ph-visually-hidden">Products ranked by health, worst first</span>}
        head={head}
        rows={tableRows}
        rowsPerPage={ROWS_PER_PAGE}
        page={page}
        onSetPage={setPage}
        emptyView={<p className="ph-subtle">No product matches these filters.</p>}
        testId="portfolio-table"
      />
    </>
  );
}

type WeightsValues = Record<keyof HealthWeights, string>;
const WEIGHT_FIELDS = ['runtime', 'quality', 'resolution'] as const;
const WEIGHT_LABELS: Record<keyof HealthWeights, { label: string; helper: string }> = {
  runtime: {
    label: 'Runtime stability (%)',
    helper: 'Sentry: unresolved issues, users and events affected.',
  },
  quality: { label: 'Code quality (%)', helper: 'SonarCloud: quality gate, ratings, coverage, debt.' },
  resolution: { label: 'Issue resolution (%)', helper: 'Jira: open linked work and time to done.' },
};

/** What a person typed, as the server takes it: a number when it reads as one, else the text itself. */
function asNumber(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function WeightsForm({ stored }: { stored: PortfolioView['weights'] }) {
  const [weights, setWeights] = useState(stored);
  const [formKey, setFormKey] = useState(0);
  const [totalError, setTotalError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ kind: 'saved' | 'restored' | 'error'; text: string } | null>(null);
  const [restoring, setRestoring] = useState(false);

  const submit = async (values: WeightsValues): Promise<Record<string, string> | undefined> => {
    setOutcome(null);
    setTotalError(null);
    try {
      const saved = await callResolver<PortfolioView['weights']>('updateHealthWeights', {
        runtime: asNumber(values.runtime),
        quality: asNumber(values.quality),
        resolution: asNumber(values.resolution),
      });
      setWeights(saved);
      setOutcome({ kind: 'saved', text: 'Saved. The new weights apply from the next hourly health pass.' });
      return undefined;
    } catch (error) {
      if (error instanceof ResolverCallError && error.fields.total) setTotalError(error.fields.total);
      const byField = fieldErrors(error, WEIGHT_FIELDS);
      if (!byField && !(error instanceof ResolverCallError && error.fields.total)) {
        setOutcome({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
      }
      return byField ?? undefined;
    }
  };

  const restore = async () => {
    setRestoring(true);
    setOutcome(null);
    setTotalError(null);
    try {
      const restored = await callResolver<PortfolioView['weights']>('restoreDefaultHealthWeights');
      setWeights(restored);
      setFormKey((key) => key + 1);
      setOutcome({ kind: 'restored', text: 'Back to 40 / 40 / 20 from the next hourly health pass.' });
    } catch (error) {
      setOutcome({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setRestoring(false);
    }
  };

  return (
    <div className="ph-weights" data-testid="health-weights">
      <p className="ph-subtle">
        How much each part counts in a product&apos;s score: whole percentages adding up to 100. A part with
        no data is left out and the others scaled up.{' '}
        {weights.isDefault ? 'These are the defaults.' : 'Changed from the defaults (40 / 40 / 20).'}
      </p>
      <Form<WeightsValues> key={formKey} onSubmit={submit}>
        {({ formProps, submitting }) => (
          <form {...formProps} noValidate aria-label="Health weights">
            <div className="ph-weights__fields">
              {WEIGHT_FIELDS.map((field) => (
                <TextField
                  key={field}
                  name={field}
                  label={WEIGHT_LABELS[field].label}
                  helper={WEIGHT_LABELS[field].helper}
                  defaultValue={String(weights[field])}
                  isRequired
                  testId={`weight-${field}`}
                />
              ))}
            </div>
            {totalError ? (
              <ErrorMessage testId="weight-total--error">
                <span className="ph-wrap">{totalError}</span>
              </ErrorMessage>
            ) : null}
            <FormFooter align="start">
              <div className="ph-weights__actions">
                <Button type="submit" appearance="primary" isLoading={submitting} testId="weights-save">
                  Save weights
                </Button>
                <Button
                  onClick={() => void restore()}
                  isDisabled={weights.isDefault}
                  isLoading={restoring}
                  testId="weights-restore"
                >
                  Restore 40 / 40 / 20
                </Button>
              </div>
            </FormFooter>
          </form>
        )}
      </Form>
      {outcome ? (
        <InlineMessage
          appearance={outcome.kind === 'error' ? 'error' : 'success'}
          testId={`weights-${outcome.kind}`}
        >
          {outcome.text}
        </InlineMessage>
      ) : null}
    </div>
  );
}
