import {
  BACKFILL_STALE_MS,
  isBackfillActive,
  recordBackfillPart,
  stateAfterPart,
  type BackfillRun,
} from './backfill';

const now = new Date('2026-03-01T10:00:00.000Z');

const queued: BackfillRun = {
  runId: 'backfill-1',
  connectionId: 'sentry-acme',
  projectId: '42',
  projectSlug: 'web',
  requestedAt: '2026-03-01T09:58:00.000Z',
  requestedBy: 'account-1',
  state: 'queued',
  parts: 0,
  fetched: 0,
  changed: 0,
  failed: 0,
  updatedAt: '2026-03-01T09:58:00.000Z',
  finishedAt: null,
  message: null,
};

const part = {
  runId: 'backfill-1',
  connectionId: 'sentry-acme',
  projectId: '42',
  projectSlug: 'web',
  part: 1,
  startedAt: null,
  totals: { fetched: 100, changed: 40, failed: 1 },
  message: null,
};

describe('backfill progress', () => {
  it('maps each way a part ends to the state the page shows', () => {
    expect(stateAfterPart('completed')).toBe('done');
    expect(stateAfterPart('continued')).toBe('running');
    expect(stateAfterPart('deferred')).toBe('running');
    expect(stateAfterPart('failed')).toBe('failed');
    expect(stateAfterPart('skipped')).toBe('skipped');
  });

  it('keeps who asked and when across parts, and takes the run totals the job carries', () => {
    const running = recordBackfillPart(queued, { ...part, outcome: 'continued', message: 'stopped' }, now);
    expect(running).toMatchObject({
      state: 'running',
      parts: 1,
      fetched: 100,
      changed: 40,
      failed: 1,
      requestedBy: 'account-1',
      requestedAt: queued.requestedAt,
      finishedAt: null,
      message: 'stopped',
    });
    const done = recordBackfillPart(
      running,
      { ...part, part: 2, totals: { fetched: 150, changed: 41, failed: 1 }, outcome: 'completed' },
      now,
    );
    expect(done).toMatchObject({ state: 'done', parts: 2, fetched: 150, finishedAt: now.toISOString() });
  });

  it('starts a new record for a part of another run (a backfill retried from the sync log)', () => {
    const retried = recordBackfillPart(
      queued,
      { ...part, runId: 'retry-9', startedAt: '2026-03-01T09:59:00.000Z', outcome: 'completed' },
      now,
    );
    expect(retried).toMatchObject({
      runId: 'retry-9',
      requestedBy: null,
      requestedAt: '2026-03-01T09:59:00.000Z',
      state: 'done',
    });
  });

  it('counts a queued or running backfill as active until it has given no news for a while', () => {
    expect(isBackfillActive(queued, now)).toBe(true);
    expect(isBackfillActive({ ...queued, state: 'running' }, now)).toBe(true);
    expect(isBackfillActive({ ...queued, state: 'done' }, now)).toBe(false);
    expect(isBackfillActive(undefined, now)).toBe(false);
    const later = new Date(Date.parse(queued.updatedAt) + BACKFILL_STALE_MS);
    expect(isBackfillActive(queued, later)).toBe(false);
  });
});
