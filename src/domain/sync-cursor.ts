// The incremental-sync cursor of one Sentry project, stored as the opaque string `SyncState.cursor`.
//
// A run lists the project's issues with `query=lastSeen:>=<watermark>` sorted by last seen, newest first
// (`sort=date`), page by page. The watermark is the newest `lastSeen` a *completed* run has seen; the ids
// of the issues seen at exactly that instant are kept too, because several issues can share a timestamp
// and `>=` returns them again: those are skipped unless their lastSeen moved. A run cut short by its time
// budget keeps Sentry's page cursor in `pending` and resumes there; the watermark only advances when a
// run completes, so an interrupted run never loses an issue. Issues updated during a run get a lastSeen
// above the run's newest one, so the next run catches them.
import { z } from 'zod';
import { normalizeTimestamp } from './timestamps';

export interface WatermarkPosition {
  /** Normalised UTC timestamp with microseconds (`2020-04-28T13:56:05.903736Z`): compares as a string. */
  lastSeen: string;
  /** Ids of the issues whose lastSeen is exactly `lastSeen`. */
  ids: string[];
}

export interface SentrySyncCursor {
  /** Position reached by the last completed run; null before the first (then the run is a full sync). */
  watermark: WatermarkPosition | null;
  /** A run that stopped for lack of time: where it resumes, and the newest position it has seen so far. */
  pending: { pageCursor: string; seen: WatermarkPosition | null; startedAt: string } | null;
}

export const EMPTY_SENTRY_CURSOR: SentrySyncCursor = { watermark: null, pending: null };

/** More ids than this at one microsecond are not remembered; those issues are re-read (harmless, just costlier). */
const MAX_IDS_AT_WATERMARK = 200;

const positionSchema = z.object({
  lastSeen: z
    .string()
    .refine((value) => normalizeTimestamp(value) === value, 'must be a normalised timestamp'),
  ids: z.array(z.string()).max(MAX_IDS_AT_WATERMARK),
});

const storedCursorSchema = z.object({
  v: z.literal(1),
  watermark: positionSchema.nullable(),
  pending: z
    .object({ pageCursor: z.string().min(1), seen: positionSchema.nullable(), startedAt: z.string() })
    .nullable(),
});

export function encodeSentryCursor(cursor: SentrySyncCursor): string {
  return JSON.stringify({ v: 1, watermark: cursor.watermark, pending: cursor.pending });
}

export interface DecodedCursor {
  cursor: SentrySyncCursor;
  /** Set when the stored value could not be read: the project is then synced in full, which is safe. */
  problem: string | null;
}

/** Reads a stored cursor. A bare timestamp (a plain last-seen watermark) is accepted too. */
export function decodeSentryCursor(raw: string | null | undefined): DecodedCursor {
  if (raw === null || raw === undefined || raw.trim() === '')
    return { cursor: EMPTY_SENTRY_CURSOR, problem: null };
  const bareTimestamp = normalizeTimestamp(raw);
  if (bareTimestamp !== null)
    return { cursor: { watermark: { lastSeen: bareTimestamp, ids: [] }, pending: null }, problem: null };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      cursor: EMPTY_SENTRY_CURSOR,
      problem: 'The stored sync cursor is not JSON; the project will be synced in full.',
    };
  }
  const parsed = storedCursorSchema.safeParse(json);
  if (!parsed.success) {
    return {
      cursor: EMPTY_SENTRY_CURSOR,
      problem: 'The stored sync cursor has an unknown format; the project will be synced in full.',
    };
  }
  return { cursor: { watermark: parsed.data.watermark, pending: parsed.data.pending }, problem: null };
}

/** Where the next request of a run starts: the search query, and Sentry's page cursor when resuming. */
export interface SentrySyncRequest {
  query: string;
  pageCursor: string | null;
  /** True when a pending run was dropped for being too old and the run starts over from the watermark. */
  restarted: boolean;
  /** The cursor to pass to `advanceSentryCursor` after this request's page (without the dropped run). */
  cursor: SentrySyncCursor;
}

/**
 * The request that continues (or starts) a run. `baseQuery` holds the other filters (e.g. an empty
 * string for every status). A pending run older than `maxPendingAgeMs` starts over from the watermark,
 * which loses nothing because the watermark has not moved.
 */
export function sentrySyncRequest(
  cursor: SentrySyncCursor,
  now: Date,
  options: { baseQuery?: string; maxPendingAgeMs?: number } = {},
): SentrySyncRequest {
  const maxPendingAgeMs = options.maxPendingAgeMs ?? 24 * 3_600_000;
  const filter = cursor.watermark ? `lastSeen:>=${cursor.watermark.lastSeen}` : '';
  const query = [options.baseQuery?.trim() ?? '', filter].filter((part) => part !== '').join(' ');
  if (!cursor.pending) return { query, pageCursor: null, restarted: false, cursor };
  const startedAt = Date.parse(cursor.pending.startedAt);
  if (Number.isNaN(startedAt) || now.getTime() - startedAt > maxPendingAgeMs) {
    return {
      query,
      pageCursor: null,
      restarted: true,
      cursor: { watermark: cursor.watermark, pending: null },
    };
  }
  return { query, pageCursor: cursor.pending.pageCursor, restarted: false, cursor };
}

function positionOf(issue: { lastSeen: string }): string | null {
  return normalizeTimestamp(issue.lastSeen);
}

/** True when the issue was handled by a completed run and has not been seen again since. */
export function isAlreadySynced(
  cursor: SentrySyncCursor,
  issue: { id: string; lastSeen: string | null },
): boolean {
  const watermark = cursor.watermark;
  if (!watermark || issue.lastSeen === null) return false;
  const lastSeen = positionOf({ lastSeen: issue.lastSeen });
  if (lastSeen === null) return false;
  if (lastSeen < watermark.lastSeen) return true;
  return lastSeen === watermark.lastSeen && watermark.ids.includes(issue.id);
}

function newerPosition(a: WatermarkPosition | null, b: WatermarkPosition | null): WatermarkPosition | null {
  if (!a) return b;
  if (!b) return a;
  if (a.lastSeen > b.lastSeen) return a;
  if (b.lastSeen > a.lastSeen) return b;
  const ids = [...new Set([...a.ids, ...b.ids])];
  // Over the limit, forget them all: remembering only some would be as correct but less predictable.
  return { lastSeen: a.lastSeen, ids: ids.length > MAX_IDS_AT_WATERMARK ? [] : ids };
}

/** The newest position among a page of issues (issues without a usable lastSeen are ignored). */
export function newestPosition(
  issues: readonly { id: string; lastSeen: string | null }[],
): WatermarkPosition | null {
  let newest: WatermarkPosition | null = null;
  for (const issue of issues) {
    if (issue.lastSeen === null) continue;
    const lastSeen = positionOf({ lastSeen: issue.lastSeen });
    if (lastSeen === null) continue;
    newest = newerPosition(newest, { lastSeen, ids: [issue.id] });
  }
  return newest;
}

/**
 * The cursor after a page was processed. With a next page, the run stays pending there; on the last
 * page the run completes and the watermark moves to the newest position the whole run has seen.
 */
export function advanceSentryCursor(
  cursor: SentrySyncCursor,
  page: { issues: readonly { id: string; lastSeen: string | null }[]; nextPageCursor: string | null },
  now: Date,
): SentrySyncCursor {
  const seen = newerPosition(cursor.pending?.seen ?? null, newestPosition(page.issues));
  if (page.nextPageCursor) {
    return {
      watermark: cursor.watermark,
      pending: {
        pageCursor: page.nextPageCursor,
        seen,
        startedAt: cursor.pending?.startedAt ?? now.toISOString(),
      },
    };
  }
  return { watermark: newerPosition(cursor.watermark, seen), pending: null };
}
