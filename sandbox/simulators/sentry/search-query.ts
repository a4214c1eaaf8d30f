// A subset of Sentry's issue search syntax (https://docs.sentry.io/concepts/search/):
// is:<status|substatus|assigned|unassigned>, level:<level> or level:[a,b], lastSeen / firstSeen with
// >, >=, <, <= and ISO dates or relative -24h / +14d, times_seen and user.count comparisons,
// free text (title and culprit) and `!` negation. Other keys are tag filters: only
// environment:production matches (every simulated event comes from production).

import type { SentryIssue, SentryStore } from './store';

export class SearchQueryError extends Error {}

type Predicate = (issue: SentryIssue, store: SentryStore) => boolean;

const RELATIVE = /^([+-])(\d+)([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  let bracket = 0;
  for (const ch of query) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '[') bracket += 1;
    if (!quoted && ch === ']') bracket -= 1;
    if (!quoted && bracket === 0 && /\s/.test(ch)) {
      if (current) tokens.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) throw new SearchQueryError('Invalid search query: unbalanced quotes');
  if (current) tokens.push(current);
  return tokens;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function listValues(value: string): string[] {
  if (value.startsWith('[') && value.endsWith(']')) {
    return value
      .slice(1, -1)
      .split(',')
      .map((v) => unquote(v.trim()))
      .filter((v) => v.length > 0);
  }
  return [unquote(value)];
}

function parseTime(raw: string): number {
  const text = unquote(raw);
  // A bare date or a date-time without zone is UTC, as Sentry reads it.
  const withZone = /T.*(Z|[+-]\d\d:?\d\d)$/.test(text)
    ? text
    : /T/.test(text)
      ? `${text}Z`
      : `${text}T00:00:00Z`;
  const t = Date.parse(withZone);
  if (Number.isNaN(t))
    throw new SearchQueryError(
      `Invalid date: ${text}. Expected +/-duration (i.e. +1h) or ISO 8601-like (i.e. 2024-01-01 or 2024-01-01T00:00:00)`,
    );
  return t;
}

function comparison(
  key: string,
  raw: string,
  now: number,
  read: (i: SentryIssue) => number,
  isTime: boolean,
): Predicate {
  const relative = isTime ? RELATIVE.exec(raw) : null;
  if (relative) {
    // -24h: within the last 24 hours; +24h: older than 24 hours.
    const amount = Number(relative[2]) * (UNIT_MS[relative[3] ?? 'h'] ?? 0);
    const edge = now - amount;
    return relative[1] === '-' ? (i) => read(i) >= edge : (i) => read(i) <= edge;
  }
  const match = /^(>=|<=|>|<|=)?(.+)$/.exec(raw);
  const op = match?.[1] ?? '=';
  const valueText = match?.[2] ?? '';
  let value: number;
  if (isTime) value = parseTime(valueText);
  else {
    value = Number(valueText);
    if (!Number.isFinite(value)) throw new SearchQueryError(`Invalid number for "${key}": ${valueText}`);
  }
  switch (op) {
    case '>':
      return (i) => read(i) > value;
    case '>=':
      return (i) => read(i) >= value;
    case '<':
      return (i) => read(i) < value;
    case '<=':
      return (i) => read(i) <= value;
    default:
      return isTime
        ? (i) => Math.floor(read(i) / 86_400_000) === Math.floor(value / 86_400_000)
        : (i) => read(i) === value;
  }
}

function isFilter(value: string): Predicate {
  switch (value) {
    case 'unresolved':
    case 'resolved':
    case 'ignored':
      return (i) => i.status === value;
    case 'archived':
      return (i) => i.status === 'ignored';
    case 'new':
    case 'ongoing':
    case 'regressed':
    case 'escalating':
      return (i) => i.status === 'unresolved' && i.substatus === value;
    case 'assigned':
      return (i) => i.assignee !== null;
    case 'unassigned':
      return (i) => i.assignee === null;
    case 'for_review':
      return (i) => i.status === 'unresolved' && (i.substatus === 'new' || i.substatus === 'regressed');
    default:
      throw new SearchQueryError(`Invalid value for "is" search: ${value}`);
  }
}

/** Compiles a query into one predicate; throws SearchQueryError for malformed input (Sentry answers 400). */
export function compileSearchQuery(query: string, now: number): Predicate {
  const predicates: Predicate[] = [];
  for (const token of tokenize(query.trim())) {
    const negated = token.startsWith('!');
    const body = negated ? token.slice(1) : token;
    const colon = body.indexOf(':');
    let predicate: Predicate;
    if (colon <= 0 || body.startsWith('"')) {
      const needle = unquote(body).toLowerCase();
      predicate = (i, s) =>
        s.titleOf(i).toLowerCase().includes(needle) || s.culpritOf(i).toLowerCase().includes(needle);
    } else {
      const key = body.slice(0, colon);
      const value = body.slice(colon + 1);
      if (value === '') throw new SearchQueryError(`Invalid search query: "${key}:" needs a value`);
      switch (key) {
        case 'is': {
          const options = listValues(value).map(isFilter);
          predicate = (i, s) => options.some((p) => p(i, s));
          break;
        }
        case 'level': {
          const levels = listValues(value);
          predicate = (i) => levels.includes(i.level);
          break;
        }
        case 'lastSeen':
          predicate = comparison(key, value, now, (i) => i.lastSeen, true);
          break;
        case 'firstSeen':
          predicate = comparison(key, value, now, (i) => i.firstSeen, true);
          break;
        case 'times_seen':
          predicate = comparison(key, value, now, (i) => i.count, false);
          break;
        case 'user.count':
          predicate = comparison(key, value, now, (i) => i.userCount, false);
          break;
        case 'issue.id': {
          // Sentry's numeric issue ("group") id; a list `[1,2]` matches any of them.
          const ids = listValues(value);
          predicate = (i) => ids.includes(i.id);
          break;
        }
        case 'environment': {
          const envs = listValues(value);
          predicate = () => envs.includes('production');
          break;
        }
        default:
          predicate = () => false;
      }
    }
    predicates.push(negated ? (i, s) => !predicate(i, s) : predicate);
  }
  return (issue, store) => predicates.every((p) => p(issue, store));
}
