// The project page's "Sentry impact": unresolved issues of the Sentry projects mapped to a Jira project,
// the busiest first, from each Sentry project's bounded top-issues record; later pages in issue id order.
import { ForgeKvsAPIError } from '@forge/kvs';
import type { SentryIssueSnapshot, SentryProjectRef } from '../../domain/model';
import type {
  ProjectSentryView,
  SentryIssuesPageInfo,
  SentryIssuesPageRequest,
  SentryProjectIssuesView,
} from '../../domain/views';
import { topIssuesOf } from '../../domain/health/top-issues';
import { listConnectionLabels } from '../connections/connection-labels';
import { getMappedProducts } from '../settings/get-project-products';
import { listMoreSentryIssues, readSentryTopIssues, type TopIssuesRead } from '../sentry-impact/top-issues';

/** Issues shown per Sentry project on pages 1 and 2; the count of all unresolved ones is given beside them. */
export const SENTRY_ISSUES_PER_PROJECT = 50;
/** Pages 1 and 2 come from the top-issues record; page 3 and later from one KVS query page each. */
const RECORD_PAGES = 2;

/** A page asked for a Sentry project this Jira project does not show, or a cursor KVS refused. */
export class InvalidSentryImpactPageError extends Error {}

/** The page of one Sentry project, by its connection and project id. */
export interface SentryProjectPageRequest extends SentryIssuesPageRequest {
  connectionId: string;
  projectId: string;
}

const refKey = (ref: { connectionId: string; projectId: string }): string =>
  `${ref.connectionId}\u0000${ref.projectId}`;

/** Each Sentry project once, even when two products of the Jira project share it. */
function distinctSentryProjects(refs: SentryProjectRef[]): SentryProjectRef[] {
  const byKey = new Map(refs.map((ref) => [refKey(ref), ref]));
  return [...byKey.values()];
}

/** Page 1 or 2: a slice of the record's busiest; the next page is 2, or 3 when more are unresolved. */
function recordPage(top: TopIssuesRead | undefined, page: number): Omit<SentryProjectIssuesView, 'ref'> {
  const busiest = top ? topIssuesOf(top.record, 'byEvents') : [];
  const unresolvedCount = top?.record.unresolvedCount ?? 0;
  const start = (page - 1) * SENTRY_ISSUES_PER_PROJECT;
  const shown = Math.min(busiest.length, RECORD_PAGES * SENTRY_ISSUES_PER_PROJECT);
  const next: SentryIssuesPageRequest | null =
    page === 1 && busiest.length > SENTRY_ISSUES_PER_PROJECT
      ? { page: 2, cursor: null }
      : unresolvedCount > shown
        ? { page: RECORD_PAGES + 1, cursor: null }
        : null;
  const info: SentryIssuesPageInfo = { page, cursor: null, order: 'busiest', firstRank: start + 1, next };
  return {
    unresolvedCount,
    issues: busiest.slice(start, start + SENTRY_ISSUES_PER_PROJECT),
    page: info,
  };
}

/**
 * Page 3 and later: one query page in issue id order (top-issues.ts listMoreSentryIssues), without the
 * busiest that pages 1 and 2 showed, so no issue is listed twice.
 */
async function laterPage(
  ref: SentryProjectRef,
  top: TopIssuesRead | undefined,
  request: SentryIssuesPageRequest,
): Promise<Omit<SentryProjectIssuesView, 'ref'>> {
  let more: { issues: SentryIssueSnapshot[]; cursor: string | null };
  try {
    more = await listMoreSentryIssues(ref, request.cursor);
  } catch (error) {
    // KVS answers 400 for a cursor it did not give (edited, or from another store): say what to do.
    if (
      request.cursor !== null &&
      error instanceof ForgeKvsAPIError &&
      error.responseDetails.status === 400
    ) {
      throw new InvalidSentryImpactPageError(
        `The cursor of page ${request.page} of Sentry project ${ref.projectSlug} is not valid: open page 1 ` +
          'again and page forward (each page answers the cursor of the next).',
      );
    }
    throw error;
  }
  const busiest = new Set(
    (top ? topIssuesOf(top.record, 'byEvents') : [])
      .slice(0, RECORD_PAGES * SENTRY_ISSUES_PER_PROJECT)
      .map((issue) => issue.id),
  );
  return {
    unresolvedCount: top?.record.unresolvedCount ?? 0,
    issues: more.issues.filter((issue) => !busiest.has(issue.id)),
    page: {
      ...request,
      order: 'id',
      firstRank: null,
      next: more.cursor === null ? null : { page: request.page + 1, cursor: more.cursor },
    },
  };
}

/**
 * Constant KVS round trips whatever the projects' sizes: the mapped products, then one batched read of
 * every mapped Sentry project's top-issues record (sentry-impact/top-issues.ts, which also says what
 * paging does), then one query page for each Sentry project asked at page 3 or later (all at once).
 * `page` (1 or 2) applies to every Sentry project; `pages` asks one page per Sentry project.
 */
export async function getProjectSentryImpact(
  jiraProjectId: string,
  options: { page?: 1 | 2; pages?: readonly SentryProjectPageRequest[]; now?: Date } = {},
): Promise<ProjectSentryView> {
  const [products, connections] = await Promise.all([
    getMappedProducts(jiraProjectId),
    listConnectionLabels(),
  ]);
  const refs = distinctSentryProjects(products.flatMap((product) => product.sentryProjects));
  const asked = new Map((options.pages ?? []).map((request) => [refKey(request), request]));
  const mapped = new Set(refs.map(refKey));
  const unknown = [...asked.values()].find((request) => !mapped.has(refKey(request)));
  if (unknown) {
    throw new InvalidSentryImpactPageError(
      `Sentry project ${unknown.projectId} of connection ${unknown.connectionId} is not mapped to this Jira ` +
        'project: reload the page to see the Sentry projects it shows.',
    );
  }
  const tops = await readSentryTopIssues(refs, options.now);
  const projects = await Promise.all(
    refs.map(async (ref, index): Promise<SentryProjectIssuesView> => {
      const top = tops[index];
      const request = asked.get(refKey(ref)) ?? { page: options.page ?? 1, cursor: null };
      const view =
        request.page <= RECORD_PAGES ? recordPage(top, request.page) : await laterPage(ref, top, request);
      return { ref, ...view };
    }),
  );
  return { projectId: jiraProjectId, projects, connections };
}
