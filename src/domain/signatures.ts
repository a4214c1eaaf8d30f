// Webhook authenticity checks for Sentry and SonarCloud deliveries. Pure functions over the raw body.
// Both services sign the exact bytes they send, so verification must run on the raw body, before any
// JSON parsing or re-serialisation.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type RawBody = string | Uint8Array;

/** Header names as the services send them (web trigger requests carry them in lower case). */
export const SENTRY_SIGNATURE_HEADER = 'sentry-hook-signature';
export const SENTRY_TIMESTAMP_HEADER = 'sentry-hook-timestamp';
export const SENTRY_RESOURCE_HEADER = 'sentry-hook-resource';
export const SENTRY_REQUEST_ID_HEADER = 'request-id';
export const SONAR_SIGNATURE_HEADER = 'x-sonar-webhook-hmac-sha256';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** HMAC-SHA256 of the raw body, as lower-case hex: what Sentry and SonarCloud put in their signature headers. */
export function signBody(rawBody: RawBody, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Constant-time comparison of a received hex signature with the one computed from the body.
 * A value that is not 64 hex characters is refused before comparing, so timingSafeEqual never sees
 * buffers of different lengths (it would throw) and the length of the expected value leaks nothing secret.
 */
export function signatureMatches(
  rawBody: RawBody,
  secret: string,
  receivedSignature: string | null | undefined,
): boolean {
  if (secret.length === 0 || typeof receivedSignature !== 'string') return false;
  const received = receivedSignature.trim().toLowerCase();
  if (!SHA256_HEX.test(received)) return false;
  const expected = Buffer.from(signBody(rawBody, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Sentry integration platform: `Sentry-Hook-Signature` is the HMAC-SHA256 hex of the raw body with the client secret. */
export function verifySentrySignature(
  rawBody: RawBody,
  clientSecret: string | null | undefined,
  signatureHeader: string | null | undefined,
): SignatureCheck {
  if (!clientSecret) {
    return {
      ok: false,
      reason:
        'No Sentry client secret is configured for this connection: paste the integration client secret in the connection settings.',
    };
  }
  if (!signatureHeader) return { ok: false, reason: 'The delivery has no Sentry-Hook-Signature header.' };
  if (!signatureMatches(rawBody, clientSecret, signatureHeader)) {
    return {
      ok: false,
      reason:
        'Sentry-Hook-Signature does not match the body: check that the connection holds the client secret of the Sentry integration that sends these webhooks.',
    };
  }
  return { ok: true };
}

/**
 * SonarCloud: `X-Sonar-Webhook-HMAC-SHA256` is the HMAC-SHA256 hex of the raw body with the webhook secret.
 * Fails closed: without a configured secret nothing can verify a delivery, so none is accepted (anyone
 * who knows the web trigger URL could otherwise post any quality gate).
 */
export function verifySonarSignature(
  rawBody: RawBody,
  webhookSecret: string | null | undefined,
  signatureHeader: string | null | undefined,
): SignatureCheck {
  if (!webhookSecret) {
    return {
      ok: false,
      reason:
        'This SonarCloud connection has no webhook secret, so its deliveries cannot be verified and are refused: ' +
        "set a secret on the SonarCloud webhook (Administration > Webhooks) and the same secret in the connection in Product health's settings.",
    };
  }
  if (!signatureHeader) {
    return {
      ok: false,
      reason:
        'The delivery has no X-Sonar-Webhook-HMAC-SHA256 header, but this connection has a webhook secret: set the same secret on the SonarCloud webhook.',
    };
  }
  if (!signatureMatches(rawBody, webhookSecret, signatureHeader)) {
    return {
      ok: false,
      reason:
        'X-Sonar-Webhook-HMAC-SHA256 does not match the body: the secret on the SonarCloud webhook differs from the one stored in this connection.',
    };
  }
  return { ok: true };
}

export interface TimestampPolicy {
  /** Oldest delivery accepted, in seconds. Sentry's guidance and ours: 5 minutes. */
  maxAgeSeconds: number;
  /** How far ahead of our clock a delivery may be stamped (clock skew), in seconds. */
  maxFutureSkewSeconds: number;
}

export const DEFAULT_TIMESTAMP_POLICY: TimestampPolicy = { maxAgeSeconds: 300, maxFutureSkewSeconds: 60 };

export type TimestampCheck = { ok: true; ageSeconds: number } | { ok: false; reason: string };

const EPOCH_SECONDS = /^\d{1,12}(\.\d+)?$/;

/**
 * Freshness of `Sentry-Hook-Timestamp` (seconds since the epoch). Refuses stale deliveries (replays of
 * captured requests) and ones stamped too far in the future. `now` is injectable for tests.
 */
export function checkSentryTimestamp(
  timestampHeader: string | null | undefined,
  now: Date,
  policy: TimestampPolicy = DEFAULT_TIMESTAMP_POLICY,
): TimestampCheck {
  // Fixed words: the header is the caller's, so neither it nor anything computed from it is quoted.
  if (!timestampHeader) return { ok: false, reason: 'The delivery has no Sentry-Hook-Timestamp header.' };
  const trimmed = timestampHeader.trim();
  if (!EPOCH_SECONDS.test(trimmed)) {
    return { ok: false, reason: 'Sentry-Hook-Timestamp is not a number of seconds since the epoch.' };
  }
  const ageSeconds = now.getTime() / 1000 - Number(trimmed);
  if (ageSeconds > policy.maxAgeSeconds) {
    return {
      ok: false,
      reason: `The delivery is older than ${policy.maxAgeSeconds} s; older deliveries are refused as possible replays.`,
    };
  }
  if (-ageSeconds > policy.maxFutureSkewSeconds) {
    return {
      ok: false,
      reason: `The delivery is stamped more than ${policy.maxFutureSkewSeconds} s in the future: check the sender's clock.`,
    };
  }
  return { ok: true, ageSeconds };
}

/**
 * First value of a header, whatever the case of its name. Web triggers deliver headers as
 * `Record<string, string[]>` with the names cased as the caller sent them; plain `Record<string, string>`
 * is accepted too.
 */
export function readHeader(
  headers: Record<string, readonly string[] | string | undefined> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}
