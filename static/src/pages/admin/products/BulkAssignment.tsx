// Bulk assignment: every Sentry or SonarCloud project of the connections in one table, read from the
// remote APIs page by page, filtered by organization, platform / language, name and "unassigned only".
// The admin selects many (or all that match) and assigns them to a product or unassigns them. Projects
// that belong to another product are listed as conflicts and the admin keeps or moves each before
// anything is written; the writes go in batches with their progress shown.
import { useCallback, useEffect, useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import type { Connection } from '../../../../../src/domain/model';
import type {
  AssignmentsView,
  BulkChangeResult,
  BulkItem,
  BulkSource,
  SentryProjectPageView,
  SonarProjectDetails,
  SonarProjectPageView,
} from '../../../../../src/domain/product-views';
import { callResolver } from '../../../shared/bridge';
import { plural, type FlatProduct } from './tree';

/** As the server takes them (BULK_BATCH_MAX, SONAR_DETAILS_MAX). */
const WRITE_BATCH = 10;
const DETAILS_BATCH = 25;
const ROWS_PER_PAGE = 20;

interface Row {
  key: string;
  source: BulkSource;
  connectionId: string;
  organization: string;
  /** Sentry project id or SonarCloud project key. */
  projectId: string;
  /** Sentry slug or SonarCloud key: what the admin recognises. */
  handle: string;
  name: string;
  /** Sentry platform, or SonarCloud languages (most lines first). */
  kinds: string[];
  /** SonarCloud: the main branch, which bulk assignment maps; null until read (or never analysed). */
  branch: string | null;
}

interface Option<T> {
  label: string;
  value: T;
}

type Phase = { kind: 'loading'; text: string } | { kind: 'error'; text: string } | { kind: 'ready' };

interface Plan {
  mode: 'assign' | 'unassign';
  productId: string | null;
  /** Rows written as they are (no other owner, or unassigning). */
  plain: Row[];
  /** Rows owned by another product: the admin decides. */
  conflicts: Row[];
  /** Rows that cannot be written (a SonarCloud project without a main branch). */
  unusable: Row[];
}

interface Outcome {
  changed: number;
  unchanged: number;
  kept: number;
  skipped: Array<{ name: string; reason: string }>;
}

function organizationOf(connection: Connection): string {
  const key = connection.kind === 'sentry' ? connection.organizationSlug : connection.organizationKey;
  return connection.label || key;
}

async function loadSentryRows(connections: Connection[], onProgress: (text: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const connection of connections) {
    let cursor: string | null = null;
    do {
      const page: SentryProjectPageView = await callResolver<SentryProjectPageView>('listSentryProjects', {
        connectionId: connection.id,
        cursor,
      });
      for (const project of page.items) {
        rows.push({
          key: `sentry:${connection.id}:${project.id}`,
          source: 'sentry',
          connectionId: connection.id,
          organization: organizationOf(connection),
          projectId: project.id,
          handle: project.slug,
          name: project.name,
          kinds: project.platform ? [project.platform] : [],
          branch: null,
        });
      }
      cursor = page.nextCursor;
      onProgress(`Reading Sentry projects: ${plural(rows.length, 'project')} so far…`);
    } while (cursor !== null);
  }
  return rows;
}

async function loadSonarRows(connections: Connection[], onProgress: (text: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (const connection of connections) {
    let page: number | null = 1;
    while (page !== null) {
      const result: SonarProjectPageView = await callResolver<SonarProjectPageView>('listSonarProjects', {
        connectionId: connection.id,
        page,
        pageSize: 100,
      });
      for (const project of result.items) {
        rows.push({
          key: `sonarcloud:${connection.id}:${project.key}`,
          source: 'sonarcloud',
          connectionId: connection.id,
          organization: organizationOf(connection),
          projectId: project.key,
          handle: project.key,
          name: project.name,
          kinds: [],
          branch: null,
        });
      }
      page = result.nextPage;
      onProgress(`Reading SonarCloud projects: ${plural(rows.length, 'project')} so far…`);
    }
  }
  // Main branch and languages: two SonarCloud requests per project, so in batches with progress.
  let done = 0;
  for (const connection of connections) {
    const ofConnection = rows.filter((row) => row.connectionId === connection.id);
    for (let start = 0; start < ofConnection.length; start += DETAILS_BATCH) {
      const batch = ofConnection.slice(start, start + DETAILS_BATCH);
      const details = await callResolver<SonarProjectDetails[]>('getSonarProjectDetails', {
        connectionId: connection.id,
        projectKeys: batch.map((row) => row.projectId),
      });
      for (const detail of details) {
        const row = batch.find((candidate) => candidate.projectId === detail.projectKey);
        if (row) {
          row.branch = detail.mainBranch;
          row.kinds = detail.languages;
        }
      }
      done += batch.length;
      onProgress(`Reading main branches and languages: ${done} of ${rows.length}…`);
    }
  }
  return rows;
}

export default function BulkAssignment({
  products,
  connections,
  changes,
  onChanged,
}: {
  products: FlatProduct[];
  connections: Connection[];
  /** Counts the changes made elsewhere on the page (a mapping, a delete): the owners are read again. */
  changes: number;
  onChanged: () => void;
}) {
  const [source, setSource] = useState<BulkSource>('sentry');
  const [rows, setRows] = useState<Row[]>([]);
  const [assignments, setAssignments] = useState<AssignmentsView | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading', text: 'Reading projects…' });
  const [attempt, setAttempt] = useState(0);
  const [organization, setOrganization] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const [unassignedOnly, setUnassignedOnly] = useState(false);
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [page, setPage] = useState(1);
  const [target, setTarget] = useState<Option<string> | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [writing, setWriting] = useState<{ done: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [writeError, setWriteError] = useState<string | null>(null);

  const sourceConnections = useMemo(
    () => connections.filter((connection) => connection.kind === source),
    [connections, source],
  );
  const connectionKey = sourceConnections.map((connection) => connection.id).join(',');

  useEffect(() => {
    let current = true;
    setRows([]);
    setSelected(new Set());
    setOrganization(null);
    setKind(null);
    setPage(1);
    setPhase({ kind: 'loading', text: 'Reading projects…' });
    const progress = (text: string) => current && setPhase({ kind: 'loading', text });
    const load = source === 'sentry' ? loadSentryRows : loadSonarRows;
    Promise.all([load(sourceConnections, progress), callResolver<AssignmentsView>('getAssignments')]).then(
      ([loaded, owners]) => {
        if (!current) return;
        setRows(loaded);
        setAssignments(owners);
        setPhase({ kind: 'ready' });
      },
      (error: unknown) =>
        current && setPhase({ kind: 'error', text: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
    // sourceConnections changes with connectionKey: the projects are read again only when the connections change.
  }, [source, connectionKey, attempt]);

  // Another part of the page changed who owns what: read the owners again (not the remote lists).
  useEffect(() => {
    if (changes === 0) return;
    let current = true;
    callResolver<AssignmentsView>('getAssignments').then(
      (owners) => current && setAssignments(owners),
      () => undefined, // the table keeps the owners it showed; the next change reads them again
    );
    return () => {
      current = false;
    };
  }, [changes]);

  const productName = useCallback(
    (productId: string) =>
      products.find((item) => item.product.id === productId)?.path ?? 'a deleted product',
    [products],
  );

  /** The product that owns the row's project (SonarCloud: its main branch). */
  const ownerOf = useCallback(
    (row: Row): string | null => {
      if (!assignments) return null;
      if (row.source === 'sentry') {
        return (
          assignments.sentry.find(
            (entry) => entry.connectionId === row.connectionId && entry.projectId === row.projectId,
          )?.productId ?? null
        );
      }
      return (
        assignments.sonarcloud.find(
          (entry) =>
            entry.connectionId === row.connectionId &&
            entry.projectKey === row.projectId &&
            entry.branch === row.branch,
        )?.productId ?? null
      );
    },
    [assignments],
  );
  const otherBranches = useCallback(
    (row: Row) =>
      row.source === 'sonarcloud' && assignments
        ? assignments.sonarcloud.filter(
            (entry) =>
              entry.connectionId === row.connectionId &&
              entry.projectKey === row.projectId &&
              entry.branch !== row.branch,
          )
        : [],
    [assignments],
  );

  const kinds = useMemo(() => [...new Set(rows.flatMap((row) => row.kinds))].sort(), [rows]);
  const filtered = useMemo(() => {
    const text = name.trim().toLowerCase();
    return rows.filter(
      (row) =>
        (organization === null || row.connectionId === organization) &&
        (kind === null || row.kinds.includes(kind)) &&
        (!unassignedOnly || ownerOf(row) === null) &&
        (text === '' || row.name.toLowerCase().includes(text) || row.handle.toLowerCase().includes(text)),
    );
  }, [rows, organization, kind, unassignedOnly, name, ownerOf]);
  useEffect(() => setPage(1), [organization, kind, unassignedOnly, name]);

  const mapped = rows.filter((row) => ownerOf(row) !== null).length;
  const selectedRows = rows.filter((row) => selected.has(row.key));
  const allFilteredSelected = filtered.length > 0 && filtered.every((row) => selected.has(row.key));
  const toggle = (key: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const toggleAll = () =>
    setSelected((current) => {
      const next = new Set(current);
      for (const row of filtered) {
        if (allFilteredSelected) next.delete(row.key);
        else next.add(row.key);
      }
      return next;
    });

  const organizationOptions: Array<Option<string | null>> = [
    { label: 'All organizations', value: null },
    ...sourceConnections.map((connection) => ({ label: organizationOf(connection), value: connection.id })),
  ];
  const productOptions = products.map((item) => ({ label: item.path, value: item.product.id }));
  const what = source === 'sentry' ? 'Sentry project' : 'SonarCloud project';
  const kindWord = source === 'sentry' ? 'Platform' : 'Language';

  const prepare = (mode: 'assign' | 'unassign') => {
    setOutcome(null);
    setWriteError(null);
    const productId = mode === 'assign' ? (target?.value ?? null) : null;
    const usable = selectedRows.filter((row) => row.source === 'sentry' || row.branch !== null);
    const unusable = selectedRows.filter((row) => !usable.includes(row));
    if (mode === 'assign') {
      setPlan({
        mode,
        productId,
        plain: usable.filter((row) => ownerOf(row) === null || ownerOf(row) === productId),
        conflicts: usable.filter((row) => ownerOf(row) !== null && ownerOf(row) !== productId),
        unusable,
      });
    } else {
      setPlan({
        mode,
        productId,
        plain: usable.filter((row) => ownerOf(row) !== null),
        conflicts: [],
        unusable,
      });
    }
  };

  const write = async (toWrite: Row[], productId: string | null, kept: number) => {
    setPlan(null);
    const items: BulkItem[] = toWrite.map((row) =>
      row.source === 'sentry'
        ? {
            source: 'sentry',
            connectionId: row.connectionId,
            projectId: row.projectId,
            projectSlug: row.handle,
            expectedProductId: ownerOf(row),
          }
        : {
            source: 'sonarcloud',
            connectionId: row.connectionId,
            projectKey: row.projectId,
            branch: row.branch ?? '',
            expectedProductId: ownerOf(row),
          },
    );
    const total: Outcome = { changed: 0, unchanged: 0, kept, skipped: [] };
    setWriting({ done: 0, total: items.length });
    try {
      for (let start = 0; start < items.length; start += WRITE_BATCH) {
        const batch = items.slice(start, start + WRITE_BATCH);
        const result = await callResolver<BulkChangeResult>('changeAssignments', { productId, items: batch });
        total.changed += result.changed;
        total.unchanged += result.unchanged;
        for (const skip of result.skipped) {
          const id = skip.item.source === 'sentry' ? skip.item.projectSlug : skip.item.projectKey;
          total.skipped.push({ name: id, reason: skip.reason });
        }
        setWriting({ done: Math.min(start + batch.length, items.length), total: items.length });
      }
    } catch (error) {
      setWriteError(
        `${error instanceof Error ? error.message : String(error)} (${total.changed} changed before it stopped).`,
      );
    }
    setOutcome(total);
    setWriting(null);
    setSelected(new Set());
    onChanged();
  };

  const head = {
    cells: [
      {
        key: 'select',
        content: (
          <input
            type="checkbox"
            aria-label={`Select all ${filtered.length} matching`}
            checked={allFilteredSelected}
            onChange={toggleAll}
            disabled={filtered.length === 0}
            data-testid="bulk-select-all"
          />
        ),
        width: 4,
      },
      { key: 'project', content: what, isSortable: true },
      { key: 'organization', content: 'Organization', isSortable: true },
      { key: 'kind', content: kindWord, isSortable: true },
      { key: 'product', content: 'Product', isSortable: true },
    ],
  };
  const tableRows = filtered.map((row) => {
    const owner = ownerOf(row);
    const others = otherBranches(row);
    return {
      key: row.key,
      testId: 'bulk-row',
      cells: [
        {
          key: 'select',
          content: (
            <input
              type="checkbox"
              aria-label={`Select ${row.handle}`}
              checked={selected.has(row.key)}
              onChange={() => toggle(row.key)}
            />
          ),
        },
        {
          key: row.name.toLowerCase(),
          content: (
            <span className="ph-wrap">
              <span className="ph-mono">{row.handle}</span>
              {row.name !== row.handle ? <span className="ph-subtle"> {row.name}</span> : null}
              {row.source === 'sonarcloud' ? (
                <span className="ph-subtle"> · {row.branch ? `branch ${row.branch}` : 'never analysed'}</span>
              ) : null}
            </span>
          ),
        },
        { key: row.organization, content: <span className="ph-wrap">{row.organization}</span> },
        { key: row.kinds.join(','), content: row.kinds.length > 0 ? row.kinds.join(', ') : '—' },
        {
          key: owner ? productName(owner) : '',
          content: (
            <span className="ph-wrap">
              {owner ? productName(owner) : <Lozenge>Unassigned</Lozenge>}
              {others.map((entry) => (
                <span key={entry.branch} className="ph-subtle">
                  {' '}
                  · branch {entry.branch}: {productName(entry.productId)}
                </span>
              ))}
            </span>
          ),
        },
      ],
    };
  });

  return (
    <div className="ph-bulk" data-testid="bulk-assignment">
      <div className="ph-bulk__filters">
        <div className="ph-segmented" role="radiogroup" aria-label="Projects of">
          {(['sentry', 'sonarcloud'] as const).map((option) => (
            <Button
              key={option}
              role="radio"
              aria-checked={source === option}
              isSelected={source === option}
              onClick={() => setSource(option)}
              isDisabled={writing !== null}
            >
              {option === 'sentry' ? 'Sentry' : 'SonarCloud'}
            </Button>
          ))}
        </div>
        <div className="ph-filter">
          <Select<Option<string | null>>
            aria-label="Organization"
            options={organizationOptions}
            value={
              organizationOptions.find((option) => option.value === organization) ?? organizationOptions[0]
            }
            onChange={(option) => setOrganization(option?.value ?? null)}
            menuPosition="fixed"
          />
        </div>
        <div className="ph-filter">
          <Select<Option<string | null>>
            aria-label={kindWord}
            options={[
              { label: `Any ${kindWord.toLowerCase()}`, value: null },
              ...kinds.map((k) => ({ label: k, value: k })),
            ]}
            value={
              kind === null
                ? { label: `Any ${kindWord.toLowerCase()}`, value: null }
                : { label: kind, value: kind }
            }
            onChange={(option) => setKind(option?.value ?? null)}
            menuPosition="fixed"
          />
        </div>
        <div className="ph-filter ph-filter--wide">
          <Textfield
            aria-label="Name"
            placeholder="Filter by name"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            testId="bulk-name-filter"
          />
        </div>
        <label className="ph-check">
          <input
            type="checkbox"
            checked={unassignedOnly}
            onChange={(event) => setUnassignedOnly(event.currentTarget.checked)}
          />{' '}
          Unassigned only
        </label>
      </div>

      <p className="ph-bulk__counts" data-testid="bulk-counts" aria-live="polite">
        {phase.kind === 'ready'
          ? `${plural(rows.length, what)}: ${mapped.toLocaleString('en-US')} mapped, ${(rows.length - mapped).toLocaleString('en-US')} unmapped · ${filtered.length.toLocaleString('en-US')} shown · ${selectedRows.length.toLocaleString('en-US')} selected`
          : phase.kind === 'loading'
            ? phase.text
            : ''}
      </p>
      {phase.kind === 'error' ? (
        <SectionMessage appearance="error" title={`Could not read the ${what}s`}>
          <p className="ph-wrap">{phase.text}</p>
          <Button onClick={() => setAttempt((n) => n + 1)}>Try again</Button>
        </SectionMessage>
      ) : null}

      <div className="ph-bulk__actions">
        <div className="ph-filter ph-filter--wide">
          <Select<Option<string>>
            aria-label="Product to assign to"
            placeholder="Product to assign to"
            options={productOptions}
            value={target}
            onChange={setTarget}
            menuPosition="fixed"
            inputId="bulk-target-input"
          />
        </div>
        <Button
          appearance="primary"
          isDisabled={!target || selectedRows.length === 0 || writing !== null}
          onClick={() => prepare('assign')}
          testId="bulk-assign"
        >
          {`Assign ${plural(selectedRows.length, 'selected project')}`}
        </Button>
        <Button
          isDisabled={selectedRows.length === 0 || writing !== null}
          onClick={() => prepare('unassign')}
          testId="bulk-unassign"
        >
          Unassign selected
        </Button>
        {selectedRows.length > 0 ? (
          <Button appearance="subtle" onClick={() => setSelected(new Set())} isDisabled={writing !== null}>
            Clear selection
          </Button>
        ) : null}
      </div>

      {writing ? <Progress done={writing.done} total={writing.total} /> : null}
      {outcome ? <OutcomeMessage outcome={outcome} error={writeError} mode={source} /> : null}

      <DynamicTable
        caption={<span className="ph-visually-hidden">{`${what}s of the connections`}</span>}
        head={head}
        rows={tableRows}
        rowsPerPage={ROWS_PER_PAGE}
        page={page}
        onSetPage={setPage}
        isLoading={phase.kind === 'loading'}
        emptyView={
          <p className="ph-subtle">
            {rows.length === 0 && phase.kind === 'ready'
              ? sourceConnections.length === 0
                ? `Add a ${source === 'sentry' ? 'Sentry' : 'SonarCloud'} connection to list its projects.`
                : 'The connections list no projects.'
              : 'No project matches the filters.'}
          </p>
        }
        testId="bulk-table"
      />

      {plan ? (
        <PlanModal
          plan={plan}
          productName={productName}
          ownerOf={ownerOf}
          onCancel={() => setPlan(null)}
          onConfirm={(moves) =>
            void write([...plan.plain, ...moves], plan.productId, plan.conflicts.length - moves.length)
          }
        />
      ) : null}
    </div>
  );
}

function Progress({ done, total }: { done: number; total: number }) {
  const percent = total === 0 ? 100 : Math.round((100 * done) / total);
  return (
    <div className="ph-progress" data-testid="bulk-progress">
      <div
        className="ph-progress__bar"
        role="progressbar"
        aria-label="Writing the assignments"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div className="ph-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <span>{`Writing ${done} of ${total}…`}</span>
    </div>
  );
}

function OutcomeMessage({
  outcome,
  error,
  mode,
}: {
  outcome: Outcome;
  error: string | null;
  mode: BulkSource;
}) {
  const parts = [
    `${plural(outcome.changed, 'project')} changed`,
    ...(outcome.unchanged > 0 ? [`${outcome.unchanged} already so`] : []),
    ...(outcome.kept > 0
      ? [`${outcome.kept} kept where ${outcome.kept === 1 ? 'it was' : 'they were'}`]
      : []),
    ...(outcome.skipped.length > 0 ? [`${outcome.skipped.length} skipped`] : []),
  ];
  return (
    <div className="ph-feedback" role="status" aria-live="polite" data-testid="bulk-outcome">
      <SectionMessage
        appearance={error ? 'error' : outcome.skipped.length > 0 ? 'warning' : 'success'}
        title={`${mode === 'sentry' ? 'Sentry' : 'SonarCloud'}: ${parts.join(', ')}`}
      >
        {error ? <p className="ph-wrap">{error}</p> : null}
        {outcome.skipped.map((skip) => (
          <p key={skip.name} className="ph-wrap">
            {skip.name}: {skip.reason}
          </p>
        ))}
      </SectionMessage>
    </div>
  );
}

/** Before anything is written: what will change, and keep or move for each conflict. */
function PlanModal({
  plan,
  productName,
  ownerOf,
  onCancel,
  onConfirm,
}: {
  plan: Plan;
  productName: (productId: string) => string;
  ownerOf: (row: Row) => string | null;
  onCancel: () => void;
  onConfirm: (moves: Row[]) => void;
}) {
  const [decisions, setDecisions] = useState<Record<string, 'keep' | 'move'>>({});
  const undecided = plan.conflicts.filter((row) => decisions[row.key] === undefined);
  const moves = plan.conflicts.filter((row) => decisions[row.key] === 'move');
  const setAll = (decision: 'keep' | 'move') =>
    setDecisions(Object.fromEntries(plan.conflicts.map((row) => [row.key, decision])));
  const target = plan.productId ? productName(plan.productId) : null;
  const count = plan.plain.length + moves.length;
  const title = plan.mode === 'assign' ? `Assign to ${target ?? ''}` : 'Unassign projects';
  const confirmText =
    plan.mode === 'assign'
      ? `Assign ${plural(count, 'project')}${plan.conflicts.length > 0 ? ` (move ${moves.length}, keep ${plan.conflicts.length - moves.length - undecided.length})` : ''}`
      : `Unassign ${plural(count, 'project')}`;

  return (
    <Modal onClose={onCancel} width="large" label={title} testId="bulk-plan">
      <ModalHeader hasCloseButton>
        <ModalTitle>
          <span className="ph-wrap">{title}</span>
        </ModalTitle>
      </ModalHeader>
      <ModalBody>
        {plan.mode === 'assign' && plan.plain.length > 0 ? (
          <p>
            {`${plural(plan.plain.length, 'project')} without another product will be assigned to ${target ?? ''}.`}
          </p>
        ) : null}
        {plan.mode === 'unassign' ? (
          <p>
            {plan.plain.length > 0
              ? `${plural(plan.plain.length, 'project')} will be removed from the products they belong to.`
              : 'None of the selected projects belongs to a product.'}
          </p>
        ) : null}
        {plan.unusable.length > 0 ? (
          <SectionMessage appearance="information">
            <p className="ph-wrap">
              {`Left out: ${plan.unusable.map((row) => row.handle).join(', ')} (never analysed, so no main branch to map).`}
            </p>
          </SectionMessage>
        ) : null}
        {plan.conflicts.length > 0 ? (
          <div className="ph-conflicts" data-testid="bulk-conflicts">
            <div className="ph-row">
              <h4>{`${plural(plan.conflicts.length, 'project')} already belong to another product: keep or move each`}</h4>
              <Button spacing="compact" onClick={() => setAll('keep')}>
                Keep all
              </Button>
              <Button spacing="compact" onClick={() => setAll('move')}>
                Move all
              </Button>
            </div>
            <ul className="ph-list">
              {plan.conflicts.map((row) => (
                <li key={row.key} className="ph-conflict" data-testid="bulk-conflict">
                  <span className="ph-wrap">
                    <span className="ph-mono">{row.handle}</span> belongs to{' '}
                    <strong>{productName(ownerOf(row) ?? '')}</strong>
                  </span>
                  <fieldset className="ph-choice">
                    <legend className="ph-visually-hidden">{`${row.handle}: keep or move`}</legend>
                    {(['keep', 'move'] as const).map((decision) => (
                      <label key={decision}>
                        <input
                          type="radio"
                          name={`decision-${row.key}`}
                          value={decision}
                          checked={decisions[row.key] === decision}
                          onChange={() => setDecisions((current) => ({ ...current, [row.key]: decision }))}
                        />{' '}
                        {decision === 'keep' ? 'Keep it there' : `Move it to ${target ?? ''}`}
                      </label>
                    ))}
                  </fieldset>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          appearance={plan.mode === 'assign' ? 'primary' : 'warning'}
          isDisabled={undecided.length > 0 || count === 0}
          onClick={() => onConfirm(moves)}
          testId="bulk-confirm"
        >
          {undecided.length > 0 ? `Decide ${plural(undecided.length, 'conflict')} first` : confirmText}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
