// The searchable Sentry summary stored on a Jira issue (issue property `productHealthSentry`, indexed
// by the manifest's jira:entityProperty module) so JQL like `sentryEvents > 100 AND sentryStatus =
// unresolved` works. Jira counts writes per issue: callers write only when propertyChanged says so.

import { z } from 'zod';
import type { SentryIssuePropertyValue, SentryIssueSnapshot, SentryLevel, SentryStatus } from './model';
import { levelAtLeast } from './rules';

/** Must match `propertyKey` of the jira:entityProperty module in manifest.yml. */
export const SENTRY_ISSUE_PROPERTY_KEY = 'productHealthSentry';

/** Jira refuses issue property values longer than this (characters of JSON). */
export const JIRA_ISSUE_PROPERTY_MAX_CHARS = 32_768;

export const EMPTY_SENTRY_ISSUE_PROPERTY: SentryIssuePropertyValue = {
  linkedCount: 0,
  worstLevel: 'none',
  status: 'none',
  events14d: 0,
  users14d: 0,
  lastSeen: null,
};

// Which status the summary shows when linked issues disagree: any open one makes the whole open.
const STATUS_PRECEDENCE: readonly SentryStatus[] = ['unresolved', 'reprocessing', 'ignored', 'resolved'];

export interface SentryIssuePropertyOptions {
  /**
   * Number of links on the Jira issue, when some linked Sentry issues have no snapshot yet
   * (just linked, not synced). The count never drops below the snapshots given.
   */
  linkedCount?: number;
}

function nonNegativeWhole(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/**
 * The summary of the Sentry issues linked to one Jira issue: how many, the worst level, the status
 * ('unresolved' if any is, else 'reprocessing', else 'ignored', else 'resolved'), events and users over
 * 14 days summed, and the latest last-seen time as an ISO-8601 UTC string (Jira indexes it as a date).
 * Snapshots of the same Sentry issue are counted once.
 */
export function computeSentryIssueProperty(
  snapshots: readonly SentryIssueSnapshot[],
  options: SentryIssuePropertyOptions = {},
): SentryIssuePropertyValue {
  const unique = new Map<string, SentryIssueSnapshot>();
  for (const snapshot of snapshots) unique.set(`${snapshot.connectionId}:${snapshot.id}`, snapshot);
  const linked = [...unique.values()];
  const linkedCount = Math.max(nonNegativeWhole(options.linkedCount ?? 0), linked.length);
  if (linked.length === 0) return { ...EMPTY_SENTRY_ISSUE_PROPERTY, linkedCount };

  let worstLevel: SentryLevel | null = null;
  let events14d = 0;
  let users14d = 0;
  let lastSeenMs: number | null = null;
  for (const snapshot of linked) {
    if (worstLevel === null || !levelAtLeast(worstLevel, snapshot.level)) worstLevel = snapshot.level;
    events14d += nonNegativeWhole(snapshot.events14d);
    users14d += nonNegativeWhole(snapshot.users14d);
    const seen = Date.parse(snapshot.lastSeen);
    if (!Number.isNaN(seen) && (lastSeenMs === null || seen > lastSeenMs)) lastSeenMs = seen;
  }
  const statuses = new Set(linked.map((snapshot) => snapshot.status));
  const status = STATUS_PRECEDENCE.find((candidate) => statuses.has(candidate)) ?? 'none';

  return {
    linkedCount,
    worstLevel: worstLevel ?? 'none',
    status,
    events14d,
    users14d,
    lastSeen: lastSeenMs === null ? null : new Date(lastSeenMs).toISOString(),
  };
}

/**
 * True when the stored property differs from the new value, so the app must write it. A missing
 * stored value needs a write unless the new value is the empty summary (nothing linked, nothing stored).
 */
export function propertyChanged(
  previous: SentryIssuePropertyValue | null | undefined,
  next: SentryIssuePropertyValue,
): boolean {
  if (previous === null || previous === undefined) return !isEmptySummary(next);
  if (previous === next) return false;
  return (
    previous.linkedCount !== next.linkedCount ||
    previous.worstLevel !== next.worstLevel ||
    previous.status !== next.status ||
    previous.events14d !== next.events14d ||
    previous.users14d !== next.users14d ||
    normalisedTime(previous.lastSeen) !== normalisedTime(next.lastSeen)
  );
}

function isEmptySummary(value: SentryIssuePropertyValue): boolean {
  return !propertyChanged(EMPTY_SENTRY_ISSUE_PROPERTY, value);
}

// The same instant written as "…08:30:00Z" and "…08:30:00.000Z" is no change.
function normalisedTime(iso: string | null): string | null {
  if (iso === null) return null;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toISOString();
}

/**
 * The JSON body to PUT as the issue property. The value has a fixed set of short fields, so it is far
 * below Jira's limit; the check guards against a future field growing without bound.
 */
export function serializeSentryIssueProperty(value: SentryIssuePropertyValue): string {
  const body = JSON.stringify({
    linkedCount: value.linkedCount,
    worstLevel: value.worstLevel,
    status: value.status,
    events14d: value.events14d,
    users14d: value.users14d,
    lastSeen: value.lastSeen,
  });
  if (body.length > JIRA_ISSUE_PROPERTY_MAX_CHARS) {
    throw new Error(
      `The Sentry summary property is ${body.length} characters; Jira accepts at most ${JIRA_ISSUE_PROPERTY_MAX_CHARS}.`,
    );
  }
  return body;
}

const storedPropertySchema = z.object({
  linkedCount: z.number().int().nonnegative(),
  worstLevel: z.enum(['fatal', 'error', 'warning', 'info', 'debug', 'sample', 'none']),
  status: z.enum(['resolved', 'unresolved', 'ignored', 'reprocessing', 'none']),
  events14d: z.number().nonnegative(),
  users14d: z.number().nonnegative(),
  lastSeen: z.string().nullable(),
});

/**
 * Reads the stored property (the `value` of Jira's GET issue property answer). Anything that is not a
 * summary this app wrote (absent, older shape, edited by hand) gives null, which propertyChanged treats
 * as "write it".
 */
export function parseSentryIssueProperty(stored: unknown): SentryIssuePropertyValue | null {
  const parsed = storedPropertySchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}
