/**
 * A Sentry project's health tally: what its unresolved issues add up to, kept current by difference on
 * every snapshot write (next minus previous), so a product's runtime stability is read from one record
 * per Sentry project instead of from every issue.
 *
 * Windowed counts go stale: sync fetches only issues seen since its cursor, so an issue that stopped
 * occurring keeps the events24h of its last sync. The tally therefore files each issue under the UTC
 * day it was last seen, and reading counts a bucket's 24 h numbers only while that day is today or
 * yesterday, and its 14 d numbers only within 14 days. Days older than that merge into 'older'.
 */
import type { SentryIssueSnapshot } from '../model';
import { DAY_MS, timestampMs, utcDay } from '../timestamps';

/** Levels that count for health; info, debug and sample issues are left out. */
export const SCORED_LEVELS = ['fatal', 'error', 'warning'] as const;
export type ScoredLevel = (typeof SCORED_LEVELS)[number];

/** What the unresolved issues of one level, last seen on one day, add up to. */
export interface SentryBucket {
  issues: number;
  /** Of those, issues Sentry marks regressed. */
  regressed: number;
  events24h: number;
  users24h: number;
  events14d: number;
  users14d: number;
}

export type SentryBuckets = Partial<Record<ScoredLevel, SentryBucket>>;

export interface SentryHealthTally {
  connectionId: string;
  projectId: string;
  /** Unresolved issues by the UTC day they were last seen (YYYY-MM-DD, or 'older'), then by level. */
  lastSeen: Record<string, SentryBuckets>;
  /** Unresolved issues by the UTC day they were first seen (YYYY-MM-DD, or 'older'). */
  firstSeen: Record<string, number>;
  /** When the tally was last recomputed from every snapshot of the project; null if never. */
  rebuiltAt: string | null;
  updatedAt: string;
}

/** Day buckets younger than this stay apart; older ones merge into 'older'. */
export const TALLY_DAY_BUCKETS = 15;
export const OLDER = 'older';

const BUCKET_FIELDS: ReadonlyArray<keyof SentryBucket> = [
  'issues',
  'regressed',
  'events24h',
  'users24h',
  'events14d',
  'users14d',
];

export function emptySentryTally(connectionId: string, projectId: string, now: Date): SentryHealthTally {
  return {
    connectionId,
    projectId,
    lastSeen: {},
    firstSeen: {},
    rebuiltAt: null,
    updatedAt: now.toISOString(),
  };
}

function isScoredLevel(level: string): level is ScoredLevel {
  return (SCORED_LEVELS as readonly string[]).includes(level);
}

function dayBefore(now: Date, days: number): string {
  return utcDay(new Date(now.getTime() - days * DAY_MS));
}

/** The bucket an instant falls in on `now`: its UTC day, or 'older' when that is too far back. */
function bucketDay(at: string, now: Date): string {
  const ms = timestampMs(at);
  if (Number.isNaN(ms)) return OLDER;
  const day = utcDay(new Date(ms));
  return day < dayBefore(now, TALLY_DAY_BUCKETS - 1) ? OLDER : day;
}

/** What one issue adds to the tally; null when it adds nothing (resolved, ignored, or a low level). */
function contribution(
  snapshot: SentryIssueSnapshot,
  now: Date,
): { lastSeenDay: string; firstSeenDay: string; level: ScoredLevel; bucket: SentryBucket } | null {
  if (snapshot.status !== 'unresolved' || !isScoredLevel(snapshot.level)) return null;
  return {
    lastSeenDay: bucketDay(snapshot.lastSeen, now),
    firstSeenDay: bucketDay(snapshot.firstSeen, now),
    level: snapshot.level,
    bucket: {
      issues: 1,
      regressed: snapshot.substatus === 'regressed' ? 1 : 0,
      events24h: snapshot.events24h,
      users24h: snapshot.users24h,
      events14d: snapshot.events14d,
      users14d: snapshot.users14d,
    },
  };
}

function addBucket(target: SentryBucket | undefined, add: SentryBucket, sign: 1 | -1): SentryBucket {
  const sum = {
    ...(target ?? { issues: 0, regressed: 0, events24h: 0, users24h: 0, events14d: 0, users14d: 0 }),
  };
  // Never below zero: a lost concurrent update must not turn into negative issues (a rebuild corrects it).
  for (const field of BUCKET_FIELDS) sum[field] = Math.max(0, sum[field] + sign * add[field]);
  return sum;
}

/** Day buckets that fell out of the window, merged into 'older' (nothing is lost: removals still match). */
function normalized(tally: SentryHealthTally, now: Date): SentryHealthTally {
  const cutoff = dayBefore(now, TALLY_DAY_BUCKETS - 1);
  const lastSeen: Record<string, SentryBuckets> = {};
  for (const [day, levels] of Object.entries(tally.lastSeen)) {
    const target = day === OLDER || day < cutoff ? OLDER : day;
    const merged: SentryBuckets = { ...lastSeen[target] };
    for (const level of SCORED_LEVELS) {
      const bucket = levels[level];
      if (bucket) merged[level] = addBucket(merged[level], bucket, 1);
    }
    lastSeen[target] = merged;
  }
  const firstSeen: Record<string, number> = {};
  for (const [day, issues] of Object.entries(tally.firstSeen)) {
    const target = day === OLDER || day < cutoff ? OLDER : day;
    firstSeen[target] = (firstSeen[target] ?? 0) + issues;
  }
  return { ...tally, lastSeen, firstSeen };
}

function withoutEmpty(tally: SentryHealthTally): SentryHealthTally {
  const lastSeen: Record<string, SentryBuckets> = {};
  for (const [day, levels] of Object.entries(tally.lastSeen)) {
    const kept: SentryBuckets = {};
    for (const level of SCORED_LEVELS) {
      const bucket = levels[level];
      if (bucket && BUCKET_FIELDS.some((field) => bucket[field] > 0)) kept[level] = bucket;
    }
    if (Object.keys(kept).length > 0) lastSeen[day] = kept;
  }
  const firstSeen = Object.fromEntries(Object.entries(tally.firstSeen).filter(([, issues]) => issues > 0));
  return { ...tally, lastSeen, firstSeen };
}

function apply(tally: SentryHealthTally, snapshot: SentryIssueSnapshot, sign: 1 | -1, now: Date): void {
  const part = contribution(snapshot, now);
  if (!part) return;
  const levels: SentryBuckets = { ...tally.lastSeen[part.lastSeenDay] };
  levels[part.level] = addBucket(levels[part.level], part.bucket, sign);
  tally.lastSeen[part.lastSeenDay] = levels;
  tally.firstSeen[part.firstSeenDay] = Math.max(0, (tally.firstSeen[part.firstSeenDay] ?? 0) + sign);
}

export interface SentryTallyChange {
  previous: SentryIssueSnapshot | undefined;
  next: SentryIssueSnapshot | undefined;
}

/**
 * The tally after the changes: each removes what its previous snapshot added and adds what its next one
 * adds. Changes of issues of other projects (an issue moved away) only remove or only add here.
 */
export function applySentryChanges(
  tally: SentryHealthTally,
  changes: readonly SentryTallyChange[],
  now: Date,
): SentryHealthTally {
  const result = normalized(tally, now);
  result.lastSeen = { ...result.lastSeen };
  result.firstSeen = { ...result.firstSeen };
  const ours = (snapshot: SentryIssueSnapshot | undefined): snapshot is SentryIssueSnapshot =>
    snapshot !== undefined &&
    snapshot.connectionId === tally.connectionId &&
    snapshot.projectId === tally.projectId;
  for (const { previous, next } of changes) {
    if (ours(previous)) apply(result, previous, -1, now);
    if (ours(next)) apply(result, next, 1, now);
  }
  return withoutEmpty({ ...result, updatedAt: now.toISOString() });
}

/** A tally computed from every snapshot of the project (the rebuild that corrects any drift). */
export function buildSentryTally(
  connectionId: string,
  projectId: string,
  snapshots: readonly SentryIssueSnapshot[],
  now: Date,
): SentryHealthTally {
  const tally = applySentryChanges(
    emptySentryTally(connectionId, projectId, now),
    snapshots.map((next) => ({ previous: undefined, next })),
    now,
  );
  return { ...tally, rebuiltAt: now.toISOString() };
}

/** What a product's Sentry projects add up to on a given day: the runtime stability part's input. */
export interface SentryFacts {
  /** Sentry projects with a tally (synced at least once). */
  projects: number;
  /** Unresolved issues per level, and the users / events of those issues in the last 24 h. */
  byLevel: Record<ScoredLevel, { issues: number; users24h: number; events24h: number }>;
  /** Sums over the unresolved issues of every scored level (a user hit by two issues counts twice). */
  users24h: number;
  events24h: number;
  users14d: number;
  events14d: number;
  /** Unresolved issues first seen in the last 7 days (today included). */
  newIssues: number;
  /** Unresolved issues Sentry marks regressed, seen in the last 7 days. */
  regressed: number;
}

export function emptySentryFacts(): SentryFacts {
  return {
    projects: 0,
    byLevel: {
      fatal: { issues: 0, users24h: 0, events24h: 0 },
      error: { issues: 0, users24h: 0, events24h: 0 },
      warning: { issues: 0, users24h: 0, events24h: 0 },
    },
    users24h: 0,
    events24h: 0,
    users14d: 0,
    events14d: 0,
    newIssues: 0,
    regressed: 0,
  };
}

/** Sums the tallies as of `now`: windowed counts only from buckets still inside their window. */
export function summarizeSentryTallies(tallies: readonly SentryHealthTally[], now: Date): SentryFacts {
  const facts = emptySentryFacts();
  facts.projects = tallies.length;
  const in24h = dayBefore(now, 1);
  const in7d = dayBefore(now, 6);
  const in14d = dayBefore(now, 14);
  for (const tally of tallies) {
    for (const [day, levels] of Object.entries(tally.lastSeen)) {
      const dated = day !== OLDER;
      for (const level of SCORED_LEVELS) {
        const bucket = levels[level];
        if (!bucket) continue;
        const byLevel = facts.byLevel[level];
        byLevel.issues += bucket.issues;
        if (dated && day >= in24h) {
          byLevel.users24h += bucket.users24h;
          byLevel.events24h += bucket.events24h;
          facts.users24h += bucket.users24h;
          facts.events24h += bucket.events24h;
        }
        if (dated && day >= in14d) {
          facts.users14d += bucket.users14d;
          facts.events14d += bucket.events14d;
        }
        if (dated && day >= in7d) facts.regressed += bucket.regressed;
      }
    }
    for (const [day, issues] of Object.entries(tally.firstSeen)) {
      if (day !== OLDER && day >= in7d) facts.newIssues += issues;
    }
  }
  return facts;
}
