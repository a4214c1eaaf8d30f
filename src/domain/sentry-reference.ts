// Parses what a person pastes to link a Sentry issue: an issue URL, a short id or a numeric id.
// Pure: no network. The caller resolves a short id through the Sentry API of the chosen connection.

import type { SentryRegion } from './model';

export type SentryIssueReference =
  | { kind: 'id'; issueId: string; orgSlug?: string; region?: SentryRegion }
  | { kind: 'shortId'; shortId: string; orgSlug?: string; region?: SentryRegion };

export type SentryReferenceParseResult =
  { ok: true; reference: SentryIssueReference } | { ok: false; error: string };

export const ACCEPTED_SENTRY_REFERENCE_FORMS =
  'Paste a Sentry issue URL (https://acme.sentry.io/issues/4509/ or ' +
  'https://sentry.io/organizations/acme/issues/4509/), a short id such as BACKEND-3F, ' +
  'or a numeric issue id such as 4509.';

const MAX_INPUT_LENGTH = 2048;
/** How much of a refused input a message repeats: enough to recognise it, never a wall of text. */
const ECHO_LENGTH = 60;

/** The input as a message repeats it, cut to ECHO_LENGTH characters with "…". */
export function echoInput(text: string): string {
  return text.length > ECHO_LENGTH ? `${text.slice(0, ECHO_LENGTH)}…` : text;
}
const NUMERIC_ID = /^\d{1,20}$/;
// Sentry short ids are the project slug in upper case, a hyphen, then a base-32 counter.
// Project slugs may contain hyphens and underscores but are never only digits.
const SHORT_ID_PROJECT = /^[A-Z0-9_][A-Z0-9_-]*$/;
const SHORT_ID_COUNTER = /^[A-Z0-9]+$/;
const SLUG = /^[a-z0-9][a-z0-9_-]*$/;
const REGION_HOSTS: Readonly<Record<string, SentryRegion>> = { 'us.sentry.io': 'us', 'de.sentry.io': 'de' };
// Path segments that are Sentry pages, not organization slugs, in legacy `sentry.io/{org}/...` URLs.
const RESERVED_FIRST_SEGMENTS = new Set([
  'organizations',
  'settings',
  'share',
  'api',
  'auth',
  'issues',
  'feedback',
  'explore',
  'dashboards',
]);

function fail(reason: string): SentryReferenceParseResult {
  return { ok: false, error: `${reason} ${ACCEPTED_SENTRY_REFERENCE_FORMS}` };
}

/** Recognises the issue segment of a URL or a bare token: a numeric id or a short id. */
function classifyIssueToken(
  token: string,
  context: { orgSlug?: string; region?: SentryRegion },
): SentryIssueReference | null {
  const extras = {
    ...(context.orgSlug !== undefined ? { orgSlug: context.orgSlug } : {}),
    ...(context.region !== undefined ? { region: context.region } : {}),
  };
  if (NUMERIC_ID.test(token)) return { kind: 'id', issueId: token, ...extras };
  const upper = token.toUpperCase();
  if (isShortId(upper)) return { kind: 'shortId', shortId: upper, ...extras };
  return null;
}

function isShortId(upper: string): boolean {
  const lastHyphen = upper.lastIndexOf('-');
  if (lastHyphen <= 0 || upper.length > 200) return false;
  const project = upper.slice(0, lastHyphen);
  const counter = upper.slice(lastHyphen + 1);
  return SHORT_ID_PROJECT.test(project) && !/^[\d-]+$/.test(project) && SHORT_ID_COUNTER.test(counter);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface HostInfo {
  orgSlug?: string;
  region?: SentryRegion;
}

function hostInfo(hostname: string): HostInfo | null {
  if (hostname === 'sentry.io') return {};
  const region = REGION_HOSTS[hostname];
  if (region) return { region };
  if (!hostname.endsWith('.sentry.io')) return null;
  const sub = hostname.slice(0, -'.sentry.io'.length);
  // Customer domains are exactly one label: `{org}.sentry.io`.
  if (sub.includes('.') || !SLUG.test(sub)) return null;
  return { orgSlug: sub };
}

function parseUrl(raw: string): SentryReferenceParseResult {
  const withScheme = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return fail(`"${echoInput(raw)}" is not a valid URL.`);
  }
  const host = hostInfo(url.hostname);
  if (!host) {
    return fail(
      `"${url.hostname}" is not a Sentry address: this app connects to sentry.io (US or EU region) only.`,
    );
  }
  const segments = url.pathname
    .split('/')
    .filter((segment) => segment.length > 0)
    .map(safeDecode);

  if (segments.includes('share')) {
    return fail(
      'A Sentry share link hides the issue id: open the issue in Sentry and copy the URL from the address bar.',
    );
  }

  let orgSlug = host.orgSlug;
  let issueToken: string | undefined;

  const first = segments[0];
  if (first === 'organizations' && segments[1] !== undefined) {
    // /organizations/{org}/issues/{id}/..., /organizations/{org}/feedback/?feedbackSlug=...
    orgSlug = segments[1].toLowerCase();
    issueToken = issueTokenAfter(segments.slice(2), url.searchParams);
  } else if (first === 'issues' || first === 'feedback') {
    // {org}.sentry.io/issues/{id}/...
    issueToken = issueTokenAfter(segments, url.searchParams);
  } else if (first !== undefined && !RESERVED_FIRST_SEGMENTS.has(first)) {
    // Legacy permalinks: sentry.io/{org}/issues/{id}/ and sentry.io/{org}/{project}/issues/{id}/
    const issuesAt = segments.indexOf('issues');
    if (issuesAt === 1 || issuesAt === 2) {
      orgSlug = first.toLowerCase();
      issueToken = issueTokenAfter(segments.slice(issuesAt), url.searchParams);
    }
  }

  if (issueToken === undefined) {
    return fail('This URL does not point at one Sentry issue (it may be a list or settings page).');
  }
  if (orgSlug !== undefined && !SLUG.test(orgSlug)) {
    return fail(`"${echoInput(orgSlug)}" is not a valid Sentry organization slug.`);
  }
  const reference = classifyIssueToken(issueToken, {
    ...(orgSlug !== undefined ? { orgSlug } : {}),
    ...(host.region !== undefined ? { region: host.region } : {}),
  });
  if (!reference)
    return fail(`"${echoInput(issueToken)}" in this URL is neither a Sentry issue id nor a short id.`);
  return { ok: true, reference };
}

/** Reads the issue id from `issues/{id}/...` or from the feedback page's `feedbackSlug={project}:{id}`. */
function issueTokenAfter(segments: string[], query: URLSearchParams): string | undefined {
  if (segments[0] === 'issues') return segments[1];
  if (segments[0] === 'feedback') {
    const match = /^[a-z0-9_-]+:(\d+)$/i.exec(query.get('feedbackSlug') ?? '');
    return match?.[1];
  }
  return undefined;
}

/**
 * Parses a Sentry issue reference typed or pasted by a person.
 * Accepts issue URLs on sentry.io, us.sentry.io, de.sentry.io and `{org}.sentry.io` (with or without
 * query, fragment or trailing slash, and with or without the scheme), short ids in any case, and
 * numeric ids. Never throws: a failure carries a message that lists the accepted forms.
 */
export function parseSentryReference(input: string): SentryReferenceParseResult {
  const raw = input.trim().replace(/^<(.*)>$/, '$1');
  if (raw.length === 0) return fail('Nothing was entered.');
  if (raw.length > MAX_INPUT_LENGTH) return fail(`The text is too long (${raw.length} characters).`);

  if (/^https?:\/\//i.test(raw) || /^[a-z0-9.-]*sentry\.io(\/|$)/i.test(raw)) return parseUrl(raw);
  if (/\s/.test(raw)) return fail(`"${echoInput(raw)}" contains spaces.`);
  if (raw.includes('/')) return fail(`"${echoInput(raw)}" looks like a path but not a Sentry URL.`);

  const reference = classifyIssueToken(raw, {});
  if (reference) return { ok: true, reference };
  return fail(`"${echoInput(raw)}" is not a Sentry issue reference.`);
}
