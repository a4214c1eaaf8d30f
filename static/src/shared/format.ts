// Display helpers shared by the pages: numbers, times and statuses in words.

const countFormat = new Intl.NumberFormat(undefined);

export function formatCount(value: number): string {
  return countFormat.format(value);
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 hours ago", "in 2 days"; "just now" under a minute. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now) / 1000);
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateTimeFormat.format(time);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// SonarCloud measures arrive as strings ("89.39828080229226", "61450", "1.0"); people read them with
// separators, units and rating letters. The same words as the server's quality summary.

/** A number with at most one decimal and thousands separators: 89.398 -> "89.4", 61450 -> "61,450". */
export function formatDecimal(value: number): string {
  return (Math.round(value * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function formatPercent(value: number): string {
  return `${formatDecimal(value)} %`;
}

/** SonarCloud counts a day of remediation effort as 8 hours (sqale_index is in minutes), as Trends does. */
export const DEBT_MINUTES_PER_DAY = 8 * 60;

/** Remediation effort in minutes as "45 min", "3 h", "2.5 days". */
export function formatDebt(minutes: number): string {
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < DEBT_MINUTES_PER_DAY) return `${formatDecimal(minutes / 60)} h`;
  const days = Math.round((minutes / DEBT_MINUTES_PER_DAY) * 10) / 10;
  return `${formatDecimal(days)} ${days === 1 ? 'day' : 'days'}`;
}

/** SonarCloud ratings are 1..5; people read them as A..E. */
export function formatRating(value: number): string {
  return 'ABCDE'[Math.round(value) - 1] ?? formatDecimal(value);
}

export function formatWhole(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A SonarCloud measure's raw string in words; a value that is not a number is shown as it came. */
export function formatMeasure(raw: string, words: (value: number) => string): string {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? words(value) : raw;
}
