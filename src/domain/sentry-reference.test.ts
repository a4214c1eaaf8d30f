import {
  ACCEPTED_SENTRY_REFERENCE_FORMS,
  parseSentryReference,
  type SentryIssueReference,
} from './sentry-reference';

function parsed(input: string): SentryIssueReference {
  const result = parseSentryReference(input);
  if (!result.ok) throw new Error(`expected "${input}" to parse, got: ${result.error}`);
  return result.reference;
}

function errorOf(input: string): string {
  const result = parseSentryReference(input);
  if (result.ok)
    throw new Error(`expected "${input}" to be refused, got ${JSON.stringify(result.reference)}`);
  return result.error;
}

describe('parseSentryReference: URLs', () => {
  it.each([
    ['https://sentry.io/organizations/acme/issues/4509/?project=12&query=is%3Aunresolved', undefined],
    ['https://sentry.io/organizations/acme/issues/4509', undefined],
    ['https://sentry.io/organizations/acme/issues/4509/#activity', undefined],
    ['https://sentry.io/organizations/acme/issues/4509/events/latest/?environment=prod', undefined],
    ['https://us.sentry.io/organizations/acme/issues/4509/', 'us'],
    ['https://de.sentry.io/organizations/acme/issues/4509/', 'de'],
    ['HTTPS://SENTRY.IO/organizations/ACME/issues/4509/', undefined],
  ])('reads the organization path form %s', (url, region) => {
    expect(parsed(url)).toEqual({
      kind: 'id',
      issueId: '4509',
      orgSlug: 'acme',
      ...(region ? { region } : {}),
    });
  });

  it.each([
    'https://acme.sentry.io/issues/4509/',
    'https://acme.sentry.io/issues/4509',
    'https://acme.sentry.io/issues/4509/?project=12&referrer=issue-stream',
    'https://acme.sentry.io/issues/4509/?project=12#tags',
    'https://acme.sentry.io/issues/4509/events/9999aaaaca8b46d797c23c6077c6ff01/',
    'acme.sentry.io/issues/4509/',
    '  <https://acme.sentry.io/issues/4509/>  ',
  ])('reads the customer domain form %s', (url) => {
    expect(parsed(url)).toEqual({ kind: 'id', issueId: '4509', orgSlug: 'acme' });
  });

  it('reads legacy permalinks with the organization (and project) in the path', () => {
    expect(parsed('https://sentry.io/the-interstellar-jurisdiction/pump-station/issues/1/')).toEqual({
      kind: 'id',
      issueId: '1',
      orgSlug: 'the-interstellar-jurisdiction',
    });
    expect(parsed('https://sentry.io/acme/issues/77/')).toEqual({
      kind: 'id',
      issueId: '77',
      orgSlug: 'acme',
    });
  });

  it('reads a short id inside a URL and upper-cases it', () => {
    expect(parsed('https://acme.sentry.io/issues/backend-3f/')).toEqual({
      kind: 'shortId',
      shortId: 'BACKEND-3F',
      orgSlug: 'acme',
    });
    expect(parsed('https://de.sentry.io/organizations/acme/issues/PAYMENTS-API-1A/')).toEqual({
      kind: 'shortId',
      shortId: 'PAYMENTS-API-1A',
      orgSlug: 'acme',
      region: 'de',
    });
  });

  it('reads the feedback page form', () => {
    expect(parsed('https://acme.sentry.io/feedback/?feedbackSlug=javascript:6543')).toEqual({
      kind: 'id',
      issueId: '6543',
      orgSlug: 'acme',
    });
  });

  it('refuses other hosts, naming the host and the accepted forms', () => {
    const error = errorOf('https://sentry.example.com/organizations/acme/issues/4509/');
    expect(error).toContain('"sentry.example.com" is not a Sentry address');
    expect(error).toContain(ACCEPTED_SENTRY_REFERENCE_FORMS);
    expect(errorOf('https://sentry.io.evil.com/organizations/acme/issues/1/')).toContain(
      'is not a Sentry address',
    );
    expect(errorOf('https://a.b.sentry.io/issues/1/')).toContain('is not a Sentry address');
    expect(errorOf('https://github.com/getsentry/sentry/issues/4509')).toContain('is not a Sentry address');
  });

  it('refuses share links, list pages and settings pages with a reason', () => {
    expect(errorOf('https://acme.sentry.io/share/issue/0123456789abcdef0123456789abcdef/')).toContain(
      'share link hides the issue id',
    );
    expect(errorOf('https://acme.sentry.io/issues/?query=is:unresolved')).toContain('does not point at one');
    expect(errorOf('https://sentry.io/organizations/acme/issues/')).toContain('does not point at one');
    expect(errorOf('https://sentry.io/settings/acme/projects/backend/')).toContain('does not point at one');
    expect(errorOf('https://acme.sentry.io/')).toContain('does not point at one');
    expect(errorOf('https://acme.sentry.io/feedback/')).toContain('does not point at one');
  });

  it('refuses an issue segment that is neither an id nor a short id', () => {
    expect(errorOf('https://acme.sentry.io/issues/%E2%9C%93/')).toContain('neither a Sentry issue id');
    expect(errorOf('https://acme.sentry.io/issues/%E0%A4%A/')).toContain('neither a Sentry issue id');
  });
});

describe('parseSentryReference: short ids and numeric ids', () => {
  it.each([
    ['BACKEND-3F', 'BACKEND-3F'],
    ['backend-3f', 'BACKEND-3F'],
    ['PAYMENTS-API-1A', 'PAYMENTS-API-1A'],
    ['payments_api-2', 'PAYMENTS_API-2'],
    ['web2-10', 'WEB2-10'],
    ['  BACKEND-3F\n', 'BACKEND-3F'],
  ])('reads short id %j', (input, shortId) => {
    expect(parsed(input)).toEqual({ kind: 'shortId', shortId });
  });

  it('reads numeric ids', () => {
    expect(parsed('4509')).toEqual({ kind: 'id', issueId: '4509' });
    expect(parsed(' 1638821441 ')).toEqual({ kind: 'id', issueId: '1638821441' });
  });

  it.each([
    ['', 'Nothing was entered'],
    ['   ', 'Nothing was entered'],
    ['BACKEND', 'is not a Sentry issue reference'],
    ['BACKEND-', 'is not a Sentry issue reference'],
    ['-3F', 'is not a Sentry issue reference'],
    ['123-45', 'is not a Sentry issue reference'],
    ['BACK END-3F', 'contains spaces'],
    ['4509.5', 'is not a Sentry issue reference'],
    ['organizations/acme/issues/1', 'looks like a path'],
  ])('refuses %j with a clear message', (input, message) => {
    const error = errorOf(input);
    expect(error).toContain(message);
    expect(error).toContain('BACKEND-3F');
  });

  it('repeats at most 60 characters of a long refused input', () => {
    const error = errorOf('x'.repeat(2048));
    expect(error).toContain(`"${'x'.repeat(60)}…" is not a Sentry issue reference`);
    expect(error).not.toContain('x'.repeat(61));
  });

  it('refuses absurdly long input without scanning it as a URL', () => {
    expect(errorOf('A'.repeat(5000))).toContain('too long');
  });
});
