// One Sentry project of many issues for the project page's scale test and bench: product and mapping,
// the snapshots written straight into the local store (not through HTTP: the set-up is not what is
// measured) and the top-issues record built over every snapshot as the health pass's rebuild builds it.
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { buildSentryTopIssues } from '../../src/domain/health/top-issues';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import {
  createProduct,
  saveSentryTopIssues,
  sentryProjectSnapshotKey,
  setProductMapping,
} from '../../src/storage';

export const SCALE_AT = '2026-11-20T10:00:00.000Z';
export const SCALE_NOW = new Date('2026-11-20T12:00:00.000Z');

export interface ScaleProject {
  projectId: string;
  projectSlug: string;
  /** The id of issue n (default: n). */
  issueId?: (n: number) => string;
}

/** Issue n of the project: every tenth resolved, every seventh fatal, events spread over the issues. */
export function scaleIssue(project: ScaleProject, n: number): SentryIssueSnapshot {
  return {
    id: project.issueId?.(n) ?? String(n),
    connectionId: 'sentry',
    shortId: `WEB-${n}`,
    projectId: project.projectId,
    projectSlug: project.projectSlug,
    title: `TypeError ${n}`,
    culprit: 'app/checkout.ts in submit',
    level: n % 7 === 0 ? 'fatal' : 'error',
    status: n % 10 === 0 ? 'resolved' : 'unresolved',
    substatus: null,
    events24h: n % 13,
    users24h: n % 11,
    events14d: (n * 7919) % 100_003,
    users14d: n % 97,
    eventsTotal: n,
    usersTotal: n % 97,
    firstSeen: SCALE_AT,
    lastSeen: SCALE_AT,
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${n}/`,
    updatedAt: SCALE_AT,
  };
}

/**
 * Product `productId` mapping Jira project `jiraProjectId` to the Sentry project (slug web) and SonarCloud
 * acme_web, with `size` issues in the store and their top-issues record.
 */
export async function seedScaleProject(
  runtime: LocalForgeRuntime,
  options: ScaleProject & { productId: string; jiraProjectId: string; size: number },
): Promise<void> {
  const { projectId, size } = options;
  await createProduct({ id: options.productId, name: 'Shop', priority: 'high' });
  await setProductMapping(options.productId, {
    jiraProjectIds: [options.jiraProjectId],
    sentryProjects: [{ connectionId: 'sentry', projectId, projectSlug: 'web' }],
    sonarProjects: [{ connectionId: 'sonar', projectKey: 'acme_web' }],
  });
  // Listing 1,000 query pages from the local KVS would take a quarter of an hour at 100,000 issues.
  const all: SentryIssueSnapshot[] = [];
  for (let start = 1; start <= size; start += 25) {
    const items = [];
    for (let n = start; n < start + 25 && n <= size; n++) {
      const value = scaleIssue(options, n);
      all.push(value);
      items.push({ key: sentryProjectSnapshotKey('sentry', projectId, value.id), value });
    }
    runtime.kvs.handle('/api/v1/batch/set', items);
  }
  await saveSentryTopIssues([buildSentryTopIssues('sentry', projectId, all, SCALE_NOW)]);
}
