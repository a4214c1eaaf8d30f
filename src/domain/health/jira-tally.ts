/**
 * Linked Jira work per Sentry project: which linked Jira issues are open (and since when), which were
 * done in the last 90 days (and how long after Sentry first saw the problem), and which the app created
 * automatically. Entries are keyed by Jira issue id, so recording the same event twice (a redelivered
 * trigger, a retried job) changes nothing.
 *
 * The app learns this from what it already handles: links it makes, Jira status change events of
 * linked issues, and the Jira issue states it reads while following Sentry status changes. Links made
 * before this record existed appear once one of those happens to them.
 */
import { DAY_MS, timestampMs } from '../timestamps';

export interface OpenJiraWork {
  /** When the Jira issue was linked (for an issue the app created: when it was created). */
  linkedAt: string;
  /** First seen of the linked Sentry issue, when known. */
  firstSeen: string | null;
}

export interface DoneJiraWork extends OpenJiraWork {
  doneAt: string;
}

export interface JiraWorkTally {
  connectionId: string;
  /** The Sentry project whose issues the Jira issues are linked to. */
  projectId: string;
  open: Record<string, OpenJiraWork>;
  done: Record<string, DoneJiraWork>;
  /** Jira issues the app created by itself (rules, regressions): id -> when. */
  autoCreated: Record<string, string>;
  updatedAt: string;
}

/** Done and automatically created issues are kept this long (the resolution time looks back as far). */
export const JIRA_WORK_KEEP_DAYS = 90;

export function emptyJiraWorkTally(connectionId: string, projectId: string, now: Date): JiraWorkTally {
  return { connectionId, projectId, open: {}, done: {}, autoCreated: {}, updatedAt: now.toISOString() };
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return timestampMs(b) < timestampMs(a) ? b : a;
}

function pruned(tally: JiraWorkTally, now: Date): JiraWorkTally {
  const oldest = now.getTime() - JIRA_WORK_KEEP_DAYS * DAY_MS;
  const recent = (at: string) => !(timestampMs(at) < oldest);
  return {
    ...tally,
    done: Object.fromEntries(Object.entries(tally.done).filter(([, work]) => recent(work.doneAt))),
    autoCreated: Object.fromEntries(Object.entries(tally.autoCreated).filter(([, at]) => recent(at))),
    updatedAt: now.toISOString(),
  };
}

export interface LinkedJiraWork {
  jiraIssueId: string;
  linkedAt: string;
  firstSeen: string | null;
  /** The app created the Jira issue by itself (a rule or a regression), not a person. */
  automatic: boolean;
}

/** A Jira issue linked to one of the project's Sentry issues: open unless already known done. */
export function recordLinked(tally: JiraWorkTally, work: LinkedJiraWork, now: Date): JiraWorkTally {
  const next = pruned(tally, now);
  const { jiraIssueId } = work;
  if (next.done[jiraIssueId]) {
    const done = next.done[jiraIssueId];
    next.done = {
      ...next.done,
      [jiraIssueId]: { ...done, firstSeen: earlier(done.firstSeen, work.firstSeen) },
    };
  } else {
    const open = next.open[jiraIssueId];
    next.open = {
      ...next.open,
      [jiraIssueId]: {
        linkedAt: open ? (earlier(open.linkedAt, work.linkedAt) ?? work.linkedAt) : work.linkedAt,
        firstSeen: earlier(open?.firstSeen ?? null, work.firstSeen),
      },
    };
  }
  if (work.automatic) {
    const known = next.autoCreated[jiraIssueId];
    next.autoCreated = {
      ...next.autoCreated,
      [jiraIssueId]: known ? (earlier(known, work.linkedAt) ?? known) : work.linkedAt,
    };
  }
  return next;
}

/** The Jira issue is no longer linked to this project's issues: it leaves the open work. */
export function recordUnlinked(tally: JiraWorkTally, jiraIssueId: string, now: Date): JiraWorkTally {
  const next = pruned(tally, now);
  const { [jiraIssueId]: _removed, ...open } = next.open;
  return { ...next, open };
}

export interface JiraStatusSeen {
  jiraIssueId: string;
  /** The status is in Jira's Done category. */
  done: boolean;
  at: string;
  /** From the link, for an issue this record does not know yet. */
  linkedAt: string;
  firstSeen: string | null;
  /**
   * True when the status was read, not reported as a change: a done issue the record does not know is
   * then left out, since when it was done is unknown.
   */
  observedOnly: boolean;
}

/** A status of a linked Jira issue: done moves it from open to done, anything else (back) to open. */
export function recordStatusSeen(tally: JiraWorkTally, seen: JiraStatusSeen, now: Date): JiraWorkTally {
  const next = pruned(tally, now);
  const { jiraIssueId } = seen;
  const open = next.open[jiraIssueId];
  const done = next.done[jiraIssueId];
  if (seen.done) {
    if (done) return next;
    if (!open && seen.observedOnly) return next;
    const { [jiraIssueId]: _closed, ...stillOpen } = next.open;
    return {
      ...next,
      open: stillOpen,
      done: {
        ...next.done,
        [jiraIssueId]: {
          linkedAt: open?.linkedAt ?? seen.linkedAt,
          firstSeen: earlier(open?.firstSeen ?? null, seen.firstSeen),
          doneAt: seen.at,
        },
      },
    };
  }
  if (open) return next;
  const { [jiraIssueId]: reopened, ...stillDone } = next.done;
  return {
    ...next,
    done: stillDone,
    open: {
      ...next.open,
      [jiraIssueId]: {
        linkedAt: reopened?.linkedAt ?? seen.linkedAt,
        firstSeen: earlier(reopened?.firstSeen ?? null, seen.firstSeen),
      },
    },
  };
}

/** What a product's linked Jira work adds up to: the issue resolution part's input. */
export interface JiraFacts {
  /** Age in days of every open linked Jira issue. */
  openAgesDays: number[];
  /** Days from the Sentry issue's first seen to Jira done, for issues done in the last 90 days. */
  resolutionDays: number[];
  /** Jira issues the app created by itself in the last 7 days. */
  createdThisWeek: number;
  /** Linked Jira issues done in the last 7 days. */
  doneThisWeek: number;
}

/** True when the tallies record any Jira work at all (otherwise the part has no data). */
export function hasJiraWork(tallies: readonly JiraWorkTally[]): boolean {
  return tallies.some(
    (tally) =>
      Object.keys(tally.open).length +
        Object.keys(tally.done).length +
        Object.keys(tally.autoCreated).length >
      0,
  );
}

/** Sums the tallies of a product's Sentry projects; a Jira issue linked from several counts once. */
export function summarizeJiraWork(tallies: readonly JiraWorkTally[], now: Date): JiraFacts {
  const nowMs = now.getTime();
  const weekAgo = nowMs - 7 * DAY_MS;
  const keepFrom = nowMs - JIRA_WORK_KEEP_DAYS * DAY_MS;
  const open = new Map<string, OpenJiraWork>();
  const done = new Map<string, DoneJiraWork>();
  const created = new Map<string, string>();
  for (const tally of tallies) {
    for (const [id, work] of Object.entries(tally.done)) done.set(id, work);
    for (const [id, work] of Object.entries(tally.open)) if (!open.has(id)) open.set(id, work);
    for (const [id, at] of Object.entries(tally.autoCreated)) created.set(id, at);
  }
  // Done in one project's record and open in another's (an older record not told yet): done wins.
  for (const id of done.keys()) open.delete(id);

  const openAgesDays = [...open.values()]
    .map((work) => (nowMs - timestampMs(work.linkedAt)) / DAY_MS)
    .filter((age) => Number.isFinite(age))
    .map((age) => Math.max(0, age));
  const recentDone = [...done.values()].filter((work) => timestampMs(work.doneAt) >= keepFrom);
  const resolutionDays = recentDone
    .filter((work) => work.firstSeen !== null)
    .map((work) => (timestampMs(work.doneAt) - timestampMs(work.firstSeen ?? '')) / DAY_MS)
    .filter((span) => Number.isFinite(span))
    .map((span) => Math.max(0, span));
  return {
    openAgesDays,
    resolutionDays,
    createdThisWeek: [...created.values()].filter((at) => timestampMs(at) >= weekAgo).length,
    doneThisWeek: recentDone.filter((work) => timestampMs(work.doneAt) >= weekAgo).length,
  };
}
