// A stored Sentry issue snapshot for the tests that need one without caring about most fields: one
// unresolved error of project 42 (web) on connection sentry-conn; `overrides` for what a test varies.
import type { SentryIssueSnapshot } from '../src/domain/model';

export function sentrySnapshot(
  id: string,
  overrides: Partial<SentryIssueSnapshot> = {},
  at = '2026-03-01T10:00:00.000Z',
): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry-conn',
    shortId: `WEB-${id}`,
    projectId: '42',
    projectSlug: 'web',
    title: `TypeError in ${id}`,
    culprit: 'app/checkout.ts in pay',
    level: 'error',
    status: 'unresolved',
    substatus: null,
    events24h: 1,
    users24h: 1,
    events14d: 10,
    users14d: 5,
    eventsTotal: 100,
    usersTotal: 50,
    firstSeen: at,
    lastSeen: at,
    firstRelease: '1.0.0',
    lastRelease: '1.2.0',
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: at,
    ...overrides,
  };
}
