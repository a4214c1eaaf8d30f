// The project page's "Sentry impact": the unresolved Sentry issues of the mapped Sentry projects with the
// Jira issue each is linked to. People who may create issues here select unlinked ones and create Jira
// issues for them in bulk, following the progress; admins backfill a Sentry project. Each Sentry project
// pages on its own (IssuePager): the selection stays as it is, counting only the rows on screen.
import { useMemo, useState, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import type { SentryIssueSnapshot } from '../../../../../src/domain/model';
import type {
  BulkCreateProgress,
  BulkCreateRequestItem,
  LinkedJiraIssueView,
  SentryImpactPageView,
} from '../../../../../src/domain/sentry-impact-views';
import { callResolver } from '../../../shared/bridge';
import { EmptyState, ErrorMessage, Loading } from '../../../shared/components/AsyncView';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { LevelLozenge } from '../../../shared/components/Lozenge';
import { connectionName } from '../../../shared/components/MappedProduct';
import { ExternalLink, Section, Subtle, TimeAgo } from '../../../shared/components/Text';
import { formatCount } from '../../../shared/format';
import { NoProductMapped } from '../Overview';
import { BackfillControl } from './BackfillControl';
import { BulkCreateModal } from './BulkCreateModal';
import { BulkProgress } from './BulkProgress';
import { IssuePager } from './IssuePager';
import { LinkedJiraIssues } from './JiraIssueLink';
import { useImpact, usePageInfo, usePolling, type ProjectPageRequest } from './use-impact';
import './sentry-impact.css';

const PROGRESS_POLL_MS = 1_500;

type Selected = Map<string, BulkCreateRequestItem>;
/** Per Sentry project (`connectionId:projectId`), the pages from page 1 to the one asked, for Previous. */
type PageTrails = Record<string, ProjectPageRequest[]>;

function linkedInWords(links: readonly LinkedJiraIssueView[]): string {
  const keys = links.map((link) => link.key ?? 'a Jira issue you cannot see');
  return `Already linked to ${keys.join(', ')}: a Sentry issue gets one Jira issue, so it cannot be selected.`;
}

/** A native checkbox in design tokens (Atlaskit's checkbox is not installed). */
function Checkbox({
  checked,
  indeterminate = false,
  disabled = false,
  label,
  title,
  onChange,
  testId,
}: {
  checked: boolean;
  indeterminate?: boolean;
  disabled?: boolean;
  label: string;
  title?: string;
  onChange: (checked: boolean) => void;
  testId?: string;
}) {
  return (
    <input
      type="checkbox"
      className="ph-si-checkbox"
      checked={checked}
      ref={(element) => {
        if (element) element.indeterminate = indeterminate;
      }}
      disabled={disabled}
      aria-label={label}
      title={title ?? label}
      onChange={(event) => onChange(event.currentTarget.checked)}
      data-testid={testId}
    />
  );
}

function IssueTable({
  issues,
  links,
  siteUrl,
  selectable,
  selected,
  onToggle,
  loading,
}: {
  issues: SentryIssueSnapshot[];
  links: SentryImpactPageView['links'];
  siteUrl: string;
  selectable: boolean;
  selected: Selected;
  onToggle: (issues: SentryIssueSnapshot[], on: boolean) => void;
  /** Another page is being read: the rows stay, dimmed under a spinner. */
  loading: boolean;
}) {
  const free = issues.filter((issue) => !links[issue.id]);
  const chosen = free.filter((issue) => selected.has(issue.id)).length;
  const head = {
    cells: [
      ...(selectable
        ? [
            {
              key: 'select',
              content: (
                <Checkbox
                  checked={free.length > 0 && chosen === free.length}
                  indeterminate={chosen > 0 && chosen < free.length}
                  disabled={free.length === 0}
                  label={`Select the ${formatCount(free.length)} unlinked issues of this table`}
                  onChange={(on) => onToggle(free, on)}
                  testId="select-table"
                />
              ),
              width: 3,
            },
          ]
        : []),
      { key: 'issue', content: 'Issue', width: 40 },
      { key: 'level', content: 'Level' },
      { key: 'events', content: <span className="ph-si-num">Events 14 d</span> },
      { key: 'users', content: <span className="ph-si-num">Users 14 d</span> },
      { key: 'lastSeen', content: 'Last seen' },
      { key: 'jira', content: 'Jira issue', width: 18 },
    ],
  };
  const rows = issues.map((issue) => {
    const linked = links[issue.id];
    const cells: Array<{ key: string; content: ReactNode }> = [
      {
        key: 'issue',
        content: (
          <span className="ph-wrap">
            <ExternalLink href={issue.permalink}>
              <span className="ph-mono">{issue.shortId}</span>
            </ExternalLink>{' '}
            {issue.title}
          </span>
        ),
      },
      { key: 'level', content: <LevelLozenge level={issue.level} /> },
      { key: 'events', content: <span className="ph-si-num">{formatCount(issue.events14d)}</span> },
      { key: 'users', content: <span className="ph-si-num">{formatCount(issue.users14d)}</span> },
      { key: 'lastSeen', content: <TimeAgo iso={issue.lastSeen} /> },
      {
        key: 'jira',
        content: linked ? <LinkedJiraIssues links={linked} siteUrl={siteUrl} /> : <Subtle>Not linked</Subtle>,
      },
    ];
    if (selectable) {
      cells.unshift({
        key: 'select',
        content: linked ? (
          <Checkbox
            checked={false}
            disabled
            label={`${issue.shortId}: ${linkedInWords(linked)}`}
            onChange={() => undefined}
            testId="select-issue"
          />
        ) : (
          <Checkbox
            checked={selected.has(issue.id)}
            label={`Select ${issue.shortId}`}
            onChange={(on) => onToggle([issue], on)}
            testId="select-issue"
          />
        ),
      });
    }
    return {
      key: issue.id,
      testId: 'sentry-issue-row',
      cells,
    };
  });
  return (
    <div className="ph-si-table">
      <DynamicTable head={head} rows={rows} isLoading={loading} testId="sentry-issues" />
    </div>
  );
}

export default function SentryImpactView() {
  const [trails, setTrails] = useState<PageTrails>({});
  const pages = useMemo(
    () =>
      Object.values(trails).flatMap((trail) => {
        const asked = trail[trail.length - 1];
        return asked && asked.page !== 1 ? [asked] : [];
      }),
    [trails],
  );
  const { state, refresh } = useImpact(pages);
  const { siteUrl, projectKey } = usePageInfo();
  const [selected, setSelected] = useState<Selected>(new Map());
  const [creating, setCreating] = useState(false);
  const [progress, setProgress] = useState<BulkCreateProgress | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);

  const view = state.status === 'ready' ? state.data : null;
  const names = useMemo(() => {
    const map = new Map<string, { shortId: string; title: string }>();
    for (const project of view?.projects ?? []) {
      for (const issue of project.issues) map.set(issue.id, { shortId: issue.shortId, title: issue.title });
    }
    return map;
  }, [view]);

  usePolling(progress !== null && !progress.finished, PROGRESS_POLL_MS, async () => {
    if (!progress) return;
    try {
      const latest = await callResolver<BulkCreateProgress>('getBulkCreateProgress', {
        jobId: progress.jobId,
      });
      setPollError(null);
      setProgress(latest);
      if (latest.finished) refresh();
    } catch (error) {
      setPollError(error instanceof Error ? error.message : String(error));
    }
  });

  if (state.status === 'loading') return <Loading label="Loading the Sentry issues of this project…" />;
  if (state.status === 'error') {
    return (
      <ErrorMessage title="Could not load the Sentry issues of this project" message={state.message}>
        <Button onClick={refresh}>Try again</Button>
      </ErrorMessage>
    );
  }
  const data = state.data;
  if (data.projects.length === 0) return <NoProductMapped />;

  const { access } = data;
  const selectableIssues = data.projects.flatMap((project) =>
    project.issues.filter((issue) => !data.links[issue.id]),
  );
  const linkedCount = data.projects.reduce(
    (sum, project) => sum + project.issues.filter((issue) => data.links[issue.id]).length,
    0,
  );
  // Only what is still on the page and still unlinked counts as selected.
  const chosen = selectableIssues.filter((issue) => selected.has(issue.id));
  const tooMany = chosen.length > access.createLimit;

  const toggle = (issues: SentryIssueSnapshot[], on: boolean) => {
    setSelected((previous) => {
      const next = new Map(previous);
      for (const issue of issues) {
        if (on) next.set(issue.id, { connectionId: issue.connectionId, sentryIssueId: issue.id });
        else next.delete(issue.id);
      }
      return next;
    });
  };
  const allChosen = selectableIssues.length > 0 && chosen.length === selectableIssues.length;

  return (
    <div className="ph-si" data-testid="sentry-impact">
      {access.canCreate ? (
        <div className="ph-si-toolbar" data-testid="bulk-toolbar">
          <label className="ph-si-toolbar__all">
            <Checkbox
              checked={allChosen}
              indeterminate={chosen.length > 0 && !allChosen}
              disabled={selectableIssues.length === 0}
              label={`Select all ${formatCount(selectableIssues.length)} unlinked issues on this page`}
              onChange={(on) => toggle(selectableIssues, on)}
              testId="select-all"
            />
            <span>{`All ${formatCount(selectableIssues.length)} unlinked on this page`}</span>
          </label>
          <span className="ph-si-toolbar__count" aria-live="polite" data-testid="selected-count">
            {`${formatCount(chosen.length)} selected`}
          </span>
          <Button
            appearance="primary"
            isDisabled={chosen.length === 0 || tooMany || (progress !== null && !progress.finished)}
            onClick={() => setCreating(true)}
            testId="bulk-create-open"
          >
            Create Jira issues…
          </Button>
          {chosen.length > 0 ? (
            <Button appearance="subtle" onClick={() => setSelected(new Map())}>
              Clear selection
            </Button>
          ) : null}
          {linkedCount > 0 ? (
            <span className="ph-subtle" data-testid="linked-rows-note">
              {`${formatCount(linkedCount)} already linked to a Jira issue: those rows can't be selected.`}
            </span>
          ) : null}
          {tooMany ? (
            <span className="ph-si-error" role="alert">
              {`At most ${formatCount(access.createLimit)} per request: ${formatCount(chosen.length)} are selected.`}
            </span>
          ) : null}
        </div>
      ) : (
        <p className="ph-subtle" data-testid="bulk-create-unavailable">
          Creating Jira issues from these Sentry issues needs the Create issues permission in this project.
        </p>
      )}

      {state.refreshError ? (
        <InlineMessage appearance="warning" title="Could not read the issues again">
          {state.refreshError}
        </InlineMessage>
      ) : null}
      {data.jiraProblem ? <InlineMessage appearance="warning">{data.jiraProblem}</InlineMessage> : null}

      {progress ? (
        <BulkProgress
          progress={progress}
          names={names}
          siteUrl={siteUrl}
          pollError={pollError}
          onDismiss={() => setProgress(null)}
        />
      ) : null}

      {data.projects.map(({ ref, issues, unresolvedCount, page }) => {
        const key = `${ref.connectionId}:${ref.projectId}`;
        const ids = { connectionId: ref.connectionId, projectId: ref.projectId };
        const trail = trails[key] ?? [];
        // Previous and Next go from the page shown (a page that failed to load leaves it shown).
        const shownAt = trail.findIndex((request) => request.page === page.page);
        const upToShown = shownAt >= 0 ? trail.slice(0, shownAt + 1) : [{ ...ids, page: 1, cursor: null }];
        const asked = trail[trail.length - 1]?.page ?? 1;
        const loadingPage = state.refreshing && asked !== page.page ? asked : null;
        const goTo = (next: ProjectPageRequest[]) => setTrails((previous) => ({ ...previous, [key]: next }));
        return (
          <Section
            key={key}
            title={ref.projectSlug}
            actions={
              <Subtle>
                {page.page === 1 && unresolvedCount > issues.length
                  ? `${formatCount(issues.length)} busiest of ${formatCount(unresolvedCount)} unresolved`
                  : `${formatCount(unresolvedCount)} unresolved`}{' '}
                · {connectionName(data.connections, ref.connectionId)}
              </Subtle>
            }
          >
            {access.canBackfill ? (
              <BackfillControl project={ref} run={data.backfills[key] ?? null} onFinished={refresh} />
            ) : null}
            {issues.length === 0 && page.page > 1 ? (
              <p className="ph-subtle" data-testid="empty-page">
                Nothing to show on this page: resolved issues and the busiest (pages 1 and 2) are left out.
                Next reads on.
              </p>
            ) : issues.length === 0 ? (
              <EmptyState title="No unresolved Sentry issues stored for this project">
                <p>Issues appear after the next sync from Sentry, or when Sentry sends a webhook.</p>
              </EmptyState>
            ) : (
              <IssueTable
                issues={issues}
                links={data.links}
                siteUrl={siteUrl}
                selectable={access.canCreate}
                selected={selected}
                onToggle={toggle}
                loading={loadingPage !== null}
              />
            )}
            <IssuePager
              projectName={ref.projectSlug}
              info={page}
              shown={issues.length}
              unresolvedCount={unresolvedCount}
              hasPrevious={page.page > 1}
              loadingPage={loadingPage}
              onPrevious={() => goTo(upToShown.slice(0, -1))}
              onNext={() => page.next && goTo([...upToShown, { ...ids, ...page.next }])}
            />
          </Section>
        );
      })}

      {creating ? (
        <BulkCreateModal
          items={chosen.map((issue) => ({ connectionId: issue.connectionId, sentryIssueId: issue.id }))}
          projectKey={projectKey ?? 'this project'}
          onClose={() => setCreating(false)}
          onStarted={(started) => {
            setCreating(false);
            setSelected(new Map());
            setPollError(null);
            setProgress(started);
          }}
        />
      ) : null}
    </div>
  );
}
