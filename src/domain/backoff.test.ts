import {
  backoffDelayMs,
  DEFAULT_SYNC_BACKOFF,
  initialSyncState,
  isSyncDue,
  nextAttemptAt,
  recordSyncFailure,
  recordSyncSuccess,
} from './backoff';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const noJitter = () => 0;
const fullJitter = () => 0.999_999;

describe('backoffDelayMs', () => {
  it('doubles from one minute per consecutive failure', () => {
    const delays = [1, 2, 3, 4, 5].map((failures) => backoffDelayMs(failures, { random: noJitter }));
    expect(delays).toEqual([1 * MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE]);
  });

  it('is capped at 6 hours, also for absurd failure counts', () => {
    expect(backoffDelayMs(9, { random: noJitter })).toBe(256 * MINUTE);
    expect(backoffDelayMs(10, { random: noJitter })).toBe(6 * HOUR);
    expect(backoffDelayMs(10_000, { random: noJitter })).toBe(6 * HOUR);
  });

  it('jitter takes off at most half the delay, so retries spread out but still back off', () => {
    expect(backoffDelayMs(3, { random: fullJitter })).toBe(Math.round(4 * MINUTE * (1 - 0.5 * 0.999_999)));
    expect(backoffDelayMs(3, { random: () => 0.5 })).toBe(3 * MINUTE);
    for (let failures = 1; failures < 15; failures += 1) {
      const high = backoffDelayMs(failures, { random: noJitter });
      const low = backoffDelayMs(failures, { random: fullJitter });
      expect(low).toBeGreaterThanOrEqual(high / 2 - 1);
      expect(low).toBeLessThanOrEqual(high);
    }
  });

  it('clamps a misbehaving random source into [0, 1]', () => {
    expect(backoffDelayMs(1, { random: () => -3 })).toBe(MINUTE);
    expect(backoffDelayMs(1, { random: () => 7 })).toBe(MINUTE / 2);
  });

  it('no failures, no delay; Retry-After is a floor, even above the cap', () => {
    expect(backoffDelayMs(0)).toBe(0);
    expect(backoffDelayMs(0, { retryAfterMs: 30_000 })).toBe(30_000);
    expect(backoffDelayMs(1, { random: noJitter, retryAfterMs: 10 * MINUTE })).toBe(10 * MINUTE);
    expect(backoffDelayMs(1, { random: noJitter, retryAfterMs: 10 })).toBe(MINUTE);
    expect(backoffDelayMs(50, { random: noJitter, retryAfterMs: 7 * HOUR })).toBe(7 * HOUR);
  });

  it('follows a custom policy', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 5000, jitterRatio: 0 };
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, { policy, random: fullJitter }))).toEqual([
      1000, 2000, 4000, 5000,
    ]);
  });

  it('uses Math.random when no source is given, within the jitter range', () => {
    const delay = backoffDelayMs(2);
    expect(delay).toBeGreaterThanOrEqual(MINUTE);
    expect(delay).toBeLessThanOrEqual(2 * MINUTE);
    expect(DEFAULT_SYNC_BACKOFF.jitterRatio).toBe(0.5);
  });
});

describe('sync state transitions', () => {
  const now = new Date('2024-05-01T10:00:00.000Z');

  it('a failure counts, records the error, and sets the backoff', () => {
    const failed = recordSyncFailure(initialSyncState('sentry', 'conn', '42'), 'Sentry answered 500', now, {
      random: noJitter,
    });
    expect(failed).toEqual({
      source: 'sentry',
      connectionId: 'conn',
      projectId: '42',
      cursor: null,
      lastSuccessAt: null,
      lastAttemptAt: '2024-05-01T10:00:00.000Z',
      consecutiveFailures: 1,
      backoffUntil: '2024-05-01T10:01:00.000Z',
      lastError: 'Sentry answered 500',
    });
    const again = recordSyncFailure(failed, 'Sentry answered 502', new Date('2024-05-01T10:01:00.000Z'), {
      random: noJitter,
    });
    expect(again.consecutiveFailures).toBe(2);
    expect(again.backoffUntil).toBe('2024-05-01T10:03:00.000Z');
  });

  it('a success clears failures and backoff and stores the cursor', () => {
    const failed = recordSyncFailure(initialSyncState('sonarcloud', 'conn', 'proj'), 'boom', now, {
      random: noJitter,
    });
    const later = new Date('2024-05-01T11:00:00.000Z');
    expect(recordSyncSuccess(failed, 'cursor-1', later)).toEqual({
      ...failed,
      cursor: 'cursor-1',
      consecutiveFailures: 0,
      backoffUntil: null,
      lastError: null,
      lastAttemptAt: '2024-05-01T11:00:00.000Z',
      lastSuccessAt: '2024-05-01T11:00:00.000Z',
    });
  });

  it('isSyncDue: due without backoff, not before the backoff ends, due from the moment it ends', () => {
    expect(isSyncDue(null, now)).toBe(true);
    expect(isSyncDue({ backoffUntil: null }, now)).toBe(true);
    expect(isSyncDue({ backoffUntil: '2024-05-01T10:00:00.001Z' }, now)).toBe(false);
    expect(isSyncDue({ backoffUntil: '2024-05-01T10:00:00.000Z' }, now)).toBe(true);
    expect(isSyncDue({ backoffUntil: 'garbage' }, now)).toBe(true);
  });

  it('nextAttemptAt adds the delay to now', () => {
    expect(nextAttemptAt(2, now, { random: noJitter }).toISOString()).toBe('2024-05-01T10:02:00.000Z');
  });
});
