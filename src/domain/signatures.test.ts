import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkSentryTimestamp,
  readHeader,
  signatureMatches,
  signBody,
  verifySentrySignature,
  verifySonarSignature,
} from './signatures';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'webhooks');
const sentryBody = readFileSync(path.join(FIXTURES, 'sentry', 'docs_issue_created.json'), 'utf8');
const sonarBody = readFileSync(path.join(FIXTURES, 'sonarcloud', 'zulip_sonarqube_error.json'), 'utf8');
const SECRET = 'a3f1c0ffee-client-secret';

describe('signBody', () => {
  it('is the HMAC-SHA256 hex digest of the raw bytes, as Sentry and SonarCloud compute it', () => {
    const expected = createHmac('sha256', SECRET).update(Buffer.from(sentryBody, 'utf8')).digest('hex');
    expect(signBody(sentryBody, SECRET)).toBe(expected);
    expect(signBody(Buffer.from(sentryBody, 'utf8'), SECRET)).toBe(expected);
  });

  it('matches a known HMAC-SHA256 test vector (RFC 4231, test case 2)', () => {
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('signatureMatches', () => {
  const good = signBody(sentryBody, SECRET);

  it('accepts the right signature, in either hex case and with stray whitespace', () => {
    expect(signatureMatches(sentryBody, SECRET, good)).toBe(true);
    expect(signatureMatches(sentryBody, SECRET, good.toUpperCase())).toBe(true);
    expect(signatureMatches(sentryBody, SECRET, ` ${good}\n`)).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(signatureMatches(sentryBody, SECRET, signBody(sentryBody, 'other-secret'))).toBe(false);
  });

  it('refuses a body changed after signing, even by one byte or by re-serialisation', () => {
    expect(signatureMatches(sentryBody.replace('blooopy', 'bloopy!'), SECRET, good)).toBe(false);
    expect(signatureMatches(JSON.stringify(JSON.parse(sentryBody)), SECRET, good)).toBe(false);
  });

  it('refuses malformed values without throwing (wrong length, not hex, empty, missing)', () => {
    expect(signatureMatches(sentryBody, SECRET, good.slice(0, 63))).toBe(false);
    expect(signatureMatches(sentryBody, SECRET, `${good}00`)).toBe(false);
    expect(signatureMatches(sentryBody, SECRET, `sha256=${good}`)).toBe(false);
    expect(signatureMatches(sentryBody, SECRET, 'z'.repeat(64))).toBe(false);
    expect(signatureMatches(sentryBody, SECRET, '')).toBe(false);
    expect(signatureMatches(sentryBody, SECRET, undefined)).toBe(false);
    expect(signatureMatches(sentryBody, SECRET, null)).toBe(false);
  });

  it('never accepts anything when the secret is empty', () => {
    expect(signatureMatches(sentryBody, '', signBody(sentryBody, ''))).toBe(false);
  });
});

describe('verifySentrySignature', () => {
  it('accepts a delivery signed with the client secret', () => {
    expect(verifySentrySignature(sentryBody, SECRET, signBody(sentryBody, SECRET))).toEqual({ ok: true });
  });

  it.each([
    ['no secret configured', null, 'x', /No Sentry client secret/],
    ['no header', SECRET, undefined, /no Sentry-Hook-Signature header/],
    ['a wrong signature', SECRET, signBody(sentryBody, 'nope'), /does not match the body/],
  ])('refuses %s with a reason', (_label, secret, header, reason) => {
    const result = verifySentrySignature(sentryBody, secret, header);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('never echoes the secret or the expected signature in its reason', () => {
    const result = verifySentrySignature(sentryBody, SECRET, signBody(sentryBody, 'nope'));
    if (result.ok) throw new Error('expected a refusal');
    expect(result.reason).not.toContain(SECRET);
    expect(result.reason).not.toContain(signBody(sentryBody, SECRET));
  });
});

describe('verifySonarSignature', () => {
  it('refuses every delivery while no secret is configured, saying how to set one', () => {
    for (const result of [
      verifySonarSignature(sonarBody, null, undefined),
      verifySonarSignature(sonarBody, '', 'anything'),
      verifySonarSignature(sonarBody, undefined, signBody(sonarBody, '')),
    ]) {
      expect(result).toEqual({
        ok: false,
        reason: expect.stringMatching(/no webhook secret.*Administration > Webhooks/),
      });
    }
  });

  it('accepts a delivery signed with the webhook secret', () => {
    expect(verifySonarSignature(sonarBody, SECRET, signBody(sonarBody, SECRET))).toEqual({ ok: true });
  });

  it('refuses unsigned deliveries once a secret is configured', () => {
    const result = verifySonarSignature(sonarBody, SECRET, undefined);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/no X-Sonar-Webhook-HMAC-SHA256 header/),
    });
  });

  it('refuses a wrong signature', () => {
    const result = verifySonarSignature(sonarBody, SECRET, signBody(sonarBody, 'other'));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/does not match the body/) });
  });
});

describe('checkSentryTimestamp', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const nowSeconds = now.getTime() / 1000;

  it('accepts a fresh timestamp and reports its age', () => {
    expect(checkSentryTimestamp(String(nowSeconds - 2), now)).toEqual({ ok: true, ageSeconds: 2 });
    expect(checkSentryTimestamp(`${nowSeconds - 1.5}`, now)).toEqual({ ok: true, ageSeconds: 1.5 });
  });

  it('accepts exactly 5 minutes old and refuses one second more', () => {
    expect(checkSentryTimestamp(String(nowSeconds - 300), now).ok).toBe(true);
    const stale = checkSentryTimestamp(String(nowSeconds - 301), now);
    expect(stale).toEqual({ ok: false, reason: expect.stringMatching(/older than 300 s/) });
  });

  it('tolerates small clock skew but refuses timestamps far in the future', () => {
    expect(checkSentryTimestamp(String(nowSeconds + 60), now).ok).toBe(true);
    const future = checkSentryTimestamp(String(nowSeconds + 61), now);
    expect(future).toEqual({ ok: false, reason: expect.stringMatching(/more than 60 s in the future/) });
  });

  it('honours a custom policy', () => {
    const policy = { maxAgeSeconds: 10, maxFutureSkewSeconds: 0 };
    expect(checkSentryTimestamp(String(nowSeconds - 11), now, policy).ok).toBe(false);
    expect(checkSentryTimestamp(String(nowSeconds + 1), now, policy).ok).toBe(false);
    expect(checkSentryTimestamp(String(nowSeconds - 10), now, policy).ok).toBe(true);
  });

  it('answers fixed words that quote nothing of the header', () => {
    for (const header of [
      '<script>alert(1)</script>',
      String(nowSeconds - 9_999),
      String(nowSeconds + 777),
    ]) {
      const result = checkSentryTimestamp(header, now);
      if (result.ok) throw new Error('expected a refusal');
      expect(result.reason).not.toMatch(/script|9999|9 999|777/);
    }
  });

  it.each([undefined, null, '', 'yesterday', '-5', '1e9', '2026-03-01T12:00:00Z', '12 34'])(
    'refuses a missing or unreadable header: %p',
    (header) => {
      expect(checkSentryTimestamp(header, now).ok).toBe(false);
    },
  );
});

describe('readHeader', () => {
  it('reads the first value of a web-trigger header list, whatever the case of the name', () => {
    const headers = { 'sentry-hook-resource': ['issue', 'ignored'], 'content-type': ['application/json'] };
    expect(readHeader(headers, 'Sentry-Hook-Resource')).toBe('issue');
    expect(readHeader({ 'Request-ID': 'abc' }, 'request-id')).toBe('abc');
  });

  it('returns undefined when the header is absent or empty', () => {
    expect(readHeader({ 'sentry-hook-resource': [] }, 'sentry-hook-resource')).toBeUndefined();
    expect(readHeader({}, 'request-id')).toBeUndefined();
    expect(readHeader(undefined, 'request-id')).toBeUndefined();
  });
});
