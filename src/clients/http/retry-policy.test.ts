import { nextSentryCursor, parseLinkHeader } from './link-header';
import { fullJitterDelay, parseRetryAfter } from './retry-policy';

const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('parseRetryAfter', () => {
  it('reads seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 10:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter('1.5', NOW)).toBeNull();
  });
});

describe('fullJitterDelay', () => {
  const settings = { baseDelayMs: 500, maxDelayMs: 8_000 };

  it('draws between 0 and base * 2^retry, capped', () => {
    expect(fullJitterDelay(0, settings, () => 0.999)).toBe(499);
    expect(fullJitterDelay(3, settings, () => 0.5)).toBe(2_000);
    expect(fullJitterDelay(10, settings, () => 0.999)).toBe(7_992);
    expect(fullJitterDelay(2, settings, () => 0)).toBe(0);
  });
});

describe('Sentry Link header', () => {
  const header =
    '<https://us.sentry.io/api/0/organizations/acme/issues/?project=1&cursor=1735689600000:0:1>; rel="previous"; results="false"; cursor="1735689600000:0:1", ' +
    '<https://us.sentry.io/api/0/organizations/acme/issues/?project=1&cursor=1735689600000:100:0>; rel="next"; results="true"; cursor="1735689600000:100:0"';

  it('parses every link with its parameters', () => {
    const links = parseLinkHeader(header);
    expect(links).toHaveLength(2);
    expect(links[0]?.params).toEqual({ rel: 'previous', results: 'false', cursor: '1735689600000:0:1' });
    expect(links[1]?.url).toContain('cursor=1735689600000:100:0');
  });

  it('gives the next cursor while results="true", and null once results="false"', () => {
    expect(nextSentryCursor(header)).toBe('1735689600000:100:0');
    expect(nextSentryCursor(header.replace('results="true"', 'results="false"'))).toBeNull();
    expect(nextSentryCursor(null)).toBeNull();
  });

  it('falls back to the URL cursor when the link has no cursor parameter', () => {
    expect(nextSentryCursor('<https://us.sentry.io/x/?cursor=abc:1:0>; rel="next"; results="true"')).toBe(
      'abc:1:0',
    );
  });
});
