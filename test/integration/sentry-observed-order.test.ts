// The one write path orders Sentry states by when they were observed when lastSeen cannot (a status change
// adds no event): a sync page fetched before a recorded delivery never undoes it, a tie in the same second
// keeps the recorded status, and only the refetch a tie queues settles it.
import type { SentryIssueSnapshot } from '../../src/domain/model';
import { recordSentryIssues } from '../../src/services/sentry-sync/record-sentry-snapshot';
import { getSentrySnapshot, saveSentrySnapshot } from '../../src/storage';

const RESOLVED_AT = '2026-01-05T10:00:20.000Z';

const resolved: SentryIssueSnapshot = {
  id: '7001',
  connectionId: 'sentry-acme',
  shortId: 'BACKEND-7',
  projectId: '5501201',
  projectSlug: 'backend',
  title: 'TypeError: x is undefined',
  culprit: null,
  level: 'error',
  status: 'resolved',
  substatus: null,
  events24h: 3,
  users24h: 1,
  events14d: 9,
  users14d: 2,
  eventsTotal: 40,
  usersTotal: 5,
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-05T09:00:00.000Z',
  firstRelease: null,
  lastRelease: null,
  permalink: 'https://acme.sentry.io/issues/7001/',
  updatedAt: RESOLVED_AT,
  observedAt: RESOLVED_AT,
};

const unresolvedSeenAt = (observedAt: string): SentryIssueSnapshot => ({
  ...resolved,
  status: 'unresolved',
  observedAt,
  updatedAt: observedAt,
});

beforeEach(async () => {
  await saveSentrySnapshot(resolved);
});

it('keeps a state observed later than a page fetched before it, whatever the page says', async () => {
  const page = await recordSentryIssues([unresolvedSeenAt('2026-01-05T10:00:10.000Z')], {
    trigger: 'schedule',
  });
  expect(page.changed).toBe(0);
  expect(await getSentrySnapshot('sentry-acme', '7001')).toMatchObject({ status: 'resolved' });
});

it('keeps the recorded status on a tie in the same second; the refetch settles it', async () => {
  const tie = unresolvedSeenAt('2026-01-05T10:00:20.000Z');
  expect((await recordSentryIssues([tie], { trigger: 'schedule' })).changed).toBe(0);
  expect(await getSentrySnapshot('sentry-acme', '7001')).toMatchObject({ status: 'resolved' });

  const refetched = await recordSentryIssues([tie], { trigger: 'webhook' }, new Date(), {
    settlesTies: true,
  });
  expect(refetched.changed).toBe(1);
  expect(await getSentrySnapshot('sentry-acme', '7001')).toMatchObject({ status: 'unresolved' });
});

it('records a state observed later, and a newer last event whatever the times', async () => {
  expect(
    (await recordSentryIssues([unresolvedSeenAt('2026-01-05T10:00:21.000Z')], { trigger: 'schedule' }))
      .changed,
  ).toBe(1);
  await saveSentrySnapshot(resolved);
  const newerEvent = {
    ...unresolvedSeenAt('2026-01-05T10:00:00.000Z'),
    lastSeen: '2026-01-05T09:30:00.000Z',
  };
  expect((await recordSentryIssues([newerEvent], { trigger: 'schedule' })).changed).toBe(1);
});

it('writes nothing when only the observation time moved', async () => {
  const again = {
    ...resolved,
    observedAt: '2026-01-05T11:00:00.000Z',
    updatedAt: '2026-01-05T11:00:00.000Z',
  };
  expect((await recordSentryIssues([again], { trigger: 'schedule' })).changed).toBe(0);
  expect(await getSentrySnapshot('sentry-acme', '7001')).toMatchObject({ observedAt: RESOLVED_AT });
});
