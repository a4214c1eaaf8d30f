/**
 * A Sentry project's unresolved issues that hurt most, kept current by difference on every snapshot
 * write, so the project page reads one bounded record per Sentry project instead of every snapshot
 * (100,000 issues are 1,000 query pages: past a resolver's 25 s).
 *
 * Two ranked lists share one pool of snapshots: by events in 14 days (the Sentry impact page, at most
 * TOP_BY_EVENTS_KEPT) and by impact (the Overview's order, at most TOP_BY_IMPACT_KEPT). Each list keeps
 * this invariant: every unresolved issue of the project that is not listed ranks after its last entry.
 * A change keeps it without reading other issues:
 * - an issue that ranks before the last entry (or before its own listed place) is put in its place;
 * - a listed issue that falls behind the last entry, or is resolved, leaves the list (the list may get
 *   shorter than its bound: the issues that would follow are not known here);
 * - while a list holds every unresolved issue (its length equals unresolvedCount) any issue goes in.
 * A list shorter than a page while more issues are unresolved is rebuilt from all snapshots by the health
 * pass (sentryTopNeedsRebuild); so is a project that never had a record.
 */
import type { SentryIssueSnapshot } from '../model';
import { byImpact } from './overview';

/** Issues kept by 14-day events: the Sentry impact page's first SENTRY_ISSUES_PER_PROJECT, then a second page. */
export const TOP_BY_EVENTS_KEPT = 100;
/** Issues kept by impact: the Overview shows 5 of all mapped projects' issues. */
export const TOP_BY_IMPACT_KEPT = 20;
/** A list shorter than this while more issues are unresolved is rebuilt by the health pass. */
export const TOP_REBUILD_BELOW = 50;
/** The record stays well inside the KVS value limit (240 KiB): the by-events list is cut to fit. */
export const TOP_RECORD_MAX_BYTES = 200_000;

export interface SentryTopIssuesRecord {
  schema: 1;
  connectionId: string;
  projectId: string;
  /** Unresolved issues of the project, kept by difference (corrected by every rebuild). */
  unresolvedCount: number;
  /** Issue ids, most events in 14 days first (then most users, then id). */
  byEvents: string[];
  /** Issue ids in impact order (overview.ts byImpact, then id). */
  byImpact: string[];
  /** The snapshot of every listed issue, by id. */
  issues: Record<string, SentryIssueSnapshot>;
  /** When the record was last built from every snapshot of the project; null if never. */
  rebuiltAt: string | null;
  updatedAt: string;
  /**
   * Names one write of the record (a random id given by each update): an update that finds, in what its
   * write replaced, another revision than the one it read knows that a concurrent update was overwritten.
   */
  revision?: string;
}

type Compare = (a: SentryIssueSnapshot, b: SentryIssueSnapshot) => number;

const byId = (a: SentryIssueSnapshot, b: SentryIssueSnapshot): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The Sentry impact page's order: most events in 14 days, then most users, then id (a total order). */
export const byEvents: Compare = (a, b) => b.events14d - a.events14d || b.users14d - a.users14d || byId(a, b);
const byImpactTotal: Compare = (a, b) => byImpact(a, b) || byId(a, b);

const LISTS = [
  { field: 'byEvents', compare: byEvents, kept: TOP_BY_EVENTS_KEPT },
  { field: 'byImpact', compare: byImpactTotal, kept: TOP_BY_IMPACT_KEPT },
] as const;

export function emptySentryTopIssues(
  connectionId: string,
  projectId: string,
  now: Date,
): SentryTopIssuesRecord {
  return {
    schema: 1,
    connectionId,
    projectId,
    unresolvedCount: 0,
    byEvents: [],
    byImpact: [],
    issues: {},
    rebuiltAt: null,
    updatedAt: now.toISOString(),
  };
}

function counts(record: SentryTopIssuesRecord, snapshot: SentryIssueSnapshot | undefined): boolean {
  return (
    snapshot !== undefined &&
    snapshot.status === 'unresolved' &&
    snapshot.connectionId === record.connectionId &&
    snapshot.projectId === record.projectId
  );
}

/** Cuts the by-events list until the record's JSON fits TOP_RECORD_MAX_BYTES; drops unlisted snapshots. */
function pruned(record: SentryTopIssuesRecord): SentryTopIssuesRecord {
  let next = record;
  for (;;) {
    const listed = new Set([...next.byEvents, ...next.byImpact]);
    const issues = Object.fromEntries(Object.entries(next.issues).filter(([id]) => listed.has(id)));
    next = { ...next, issues };
    if (next.byEvents.length <= 1 || Buffer.byteLength(JSON.stringify(next)) <= TOP_RECORD_MAX_BYTES) {
      return next;
    }
    next = { ...next, byEvents: next.byEvents.slice(0, Math.floor(next.byEvents.length * 0.9)) };
  }
}

/**
 * The record after these changes (each the stored snapshot before and the one written), in order.
 * Changes of other projects are ignored, except an issue moving away, which leaves this project.
 */
export function applySentryTopChanges(
  record: SentryTopIssuesRecord,
  changes: ReadonlyArray<{ previous: SentryIssueSnapshot | undefined; next: SentryIssueSnapshot }>,
  now: Date,
): SentryTopIssuesRecord {
  let unresolvedCount = record.unresolvedCount;
  const issues: Record<string, SentryIssueSnapshot> = { ...record.issues };
  const lists = { byEvents: [...record.byEvents], byImpact: [...record.byImpact] };
  let touched = false;
  for (const { previous, next } of changes) {
    const was = counts(record, previous);
    const is = counts(record, next);
    if (!was && !is && !(next.id in issues)) continue;
    touched = true;
    const countBefore = unresolvedCount;
    unresolvedCount = Math.max(0, unresolvedCount + (is ? 1 : 0) - (was ? 1 : 0));
    for (const { field, compare, kept } of LISTS) {
      const list = lists[field];
      const complete = list.length >= countBefore;
      const at = list.indexOf(next.id);
      const old = at >= 0 ? issues[next.id] : undefined;
      if (at >= 0) list.splice(at, 1);
      if (!is) continue;
      const lastId = list[list.length - 1];
      const last = lastId === undefined ? undefined : issues[lastId];
      const fits =
        complete ||
        (last !== undefined && compare(next, last) < 0) ||
        (old !== undefined && compare(next, old) <= 0);
      if (!fits) continue;
      let position = list.findIndex((id) => {
        const other = issues[id];
        return other !== undefined && compare(next, other) < 0;
      });
      if (position < 0) position = list.length;
      list.splice(position, 0, next.id);
      if (list.length > kept) list.length = kept;
    }
    if (is) issues[next.id] = next;
    else delete issues[next.id];
  }
  if (!touched) return record;
  return pruned({
    ...record,
    unresolvedCount: Math.max(unresolvedCount, lists.byEvents.length, lists.byImpact.length),
    byEvents: lists.byEvents,
    byImpact: lists.byImpact,
    issues,
    updatedAt: now.toISOString(),
  });
}

/** The record built from every snapshot of the project (the health pass's rebuild). */
export function buildSentryTopIssues(
  connectionId: string,
  projectId: string,
  snapshots: readonly SentryIssueSnapshot[],
  now: Date,
): SentryTopIssuesRecord {
  const base = emptySentryTopIssues(connectionId, projectId, now);
  const unresolved = snapshots.filter((snapshot) => counts(base, snapshot));
  const issues: Record<string, SentryIssueSnapshot> = {};
  const lists = { byEvents: [] as string[], byImpact: [] as string[] };
  for (const { field, compare, kept } of LISTS) {
    const top = [...unresolved].sort(compare).slice(0, kept);
    lists[field] = top.map((snapshot) => snapshot.id);
    for (const snapshot of top) issues[snapshot.id] = snapshot;
  }
  return pruned({
    ...base,
    unresolvedCount: unresolved.length,
    ...lists,
    issues,
    rebuiltAt: now.toISOString(),
  });
}

/** True when the record cannot fill a page any more although more issues are unresolved. */
export function sentryTopNeedsRebuild(record: SentryTopIssuesRecord | undefined): boolean {
  if (!record) return true;
  return (
    record.byEvents.length < Math.min(TOP_REBUILD_BELOW, record.unresolvedCount) ||
    record.byImpact.length < Math.min(TOP_BY_IMPACT_KEPT, record.unresolvedCount)
  );
}

/** The listed snapshots of one list, in its order. */
export function topIssuesOf(
  record: SentryTopIssuesRecord,
  list: 'byEvents' | 'byImpact',
): SentryIssueSnapshot[] {
  return record[list].flatMap((id) => {
    const snapshot = record.issues[id];
    return snapshot ? [snapshot] : [];
  });
}
