// The store both issue view benches read: product Shop mapping Jira project 10000 to 3 SonarCloud
// branches (web, api, mobile), and one Jira issue `issue-<n>` per link count with n linked Sentry issues.
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../../src/domain/model';
import {
  createProduct,
  linkIssues,
  saveSentrySnapshots,
  saveSonarSnapshot,
  setProductMapping,
} from '../../src/storage';

export const SONAR_KEYS = ['web', 'api', 'mobile'];

/** A Sentry issue of project web as the sync stores it; `overrides` for what a bench varies. */
export function benchSentryIssue(
  id: string,
  at: string,
  overrides: Partial<SentryIssueSnapshot> = {},
): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry',
    shortId: `WEB-${id}`,
    projectId: '1',
    projectSlug: 'web',
    title: 'TypeError: Cannot read properties of undefined (reading "id")',
    culprit: 'app/components/Checkout.tsx in submit',
    level: 'error',
    status: 'unresolved',
    substatus: null,
    events24h: 3,
    users24h: 2,
    events14d: 30,
    users14d: 9,
    eventsTotal: 90,
    usersTotal: 20,
    firstSeen: at,
    lastSeen: at,
    firstRelease: 'web@1.2.0',
    lastRelease: 'web@1.4.1',
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: at,
    ...overrides,
  };
}

/** Writes the products, branches and links; `sentry` and `sonar` give what each bench's records hold. */
export async function seedLinkedIssues(options: {
  linkCounts: readonly number[];
  sentry: (id: string) => SentryIssueSnapshot;
  sonar: (projectKey: string) => SonarProjectSnapshot;
}): Promise<void> {
  await createProduct({ id: 'shop', name: 'Shop', priority: 'medium' });
  for (const projectKey of SONAR_KEYS) await saveSonarSnapshot(options.sonar(projectKey));
  await setProductMapping('shop', {
    jiraProjectIds: ['10000'],
    sentryProjects: [],
    sonarProjects: SONAR_KEYS.map((projectKey) => ({ connectionId: 'sonar', projectKey })),
  });
  let next = 1;
  for (const count of options.linkCounts) {
    const ids = Array.from({ length: count }, () => String((next += 1)));
    await saveSentrySnapshots(ids.map(options.sentry));
    for (const id of ids) {
      await linkIssues({
        sentryIssueId: id,
        jiraIssueId: `issue-${count}`,
        connectionId: 'sentry',
        origin: 'manual',
        createdBy: null,
      });
    }
  }
}
