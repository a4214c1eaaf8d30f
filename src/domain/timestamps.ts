// Time helpers shared by webhooks, snapshots and sync cursors. Storage keeps ISO-8601 UTC strings.

const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Sentry reports microseconds (`2020-04-28T13:56:05.903736Z`), SonarCloud a compact offset
 * (`2016-11-18T10:46:28+0100`). Both become UTC with exactly six fraction digits, so that two
 * normalised values compare correctly as strings and no precision is lost. Returns null for
 * anything that is not a date-time with a zone.
 */
export function normalizeTimestamp(value: string): string | null {
  const match = ISO_WITH_ZONE.exec(value.trim());
  if (!match) return null;
  const [, secondsPart = '', fraction = '', zoneRaw = 'Z'] = match;
  const zone = zoneRaw.toUpperCase() === 'Z' ? 'Z' : zoneRaw.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const wholeSeconds = Date.parse(`${secondsPart}${zone}`);
  if (Number.isNaN(wholeSeconds)) return null;
  const utcSeconds = new Date(wholeSeconds).toISOString().slice(0, 19);
  return `${utcSeconds}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}

/** ISO-8601 UTC with milliseconds (what `Date#toISOString` gives), or null when unparseable. */
export function toIsoUtc(value: string): string | null {
  const normalized = normalizeTimestamp(value);
  if (normalized === null) return null;
  return new Date(Date.parse(normalized)).toISOString();
}

/** Milliseconds since the epoch, or NaN. Accepts the same forms as `normalizeTimestamp`. */
export function timestampMs(value: string): number {
  const normalized = normalizeTimestamp(value);
  return normalized === null ? Number.NaN : Date.parse(normalized);
}

/** True when `value` is a time more than `skewMs` after `now` (false for unreadable values). */
export function isStampedInFuture(value: string, now: Date, skewMs: number): boolean {
  return timestampMs(value) > now.getTime() + skewMs;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`: the key of a daily history point. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
