/**
 * A full backfill of a Sentry project from the project page: for admins of the Jira project (or Jira
 * admins), and only of a Sentry project mapped to that Jira project. The backfill itself is the sync
 * control's (queued, in parts); its progress record is what the page shows.
 */
import type { BackfillRun } from '../../domain/backfill';
import { getSentryBackfill, StorageNotFoundError } from '../../storage';
import { getMappedProducts } from '../settings/get-project-products';
import { requireProjectSettingsAccess, type PermissionClientFactory } from '../access/permissions';
import { backfillSentryProject } from '../sync/sync-control';
import type { pushSyncJobs } from '../sync/sync-jobs';

export interface ProjectBackfillOptions {
  now?: Date;
  push?: typeof pushSyncJobs;
  permissions?: PermissionClientFactory;
}

async function requireMappedSentryProject(
  jiraProjectId: string,
  target: { connectionId: string; projectId: string },
): Promise<void> {
  const products = await getMappedProducts(jiraProjectId);
  const mapped = products.some((product) =>
    product.sentryProjects.some(
      (ref) => ref.connectionId === target.connectionId && ref.projectId === target.projectId,
    ),
  );
  if (!mapped) {
    throw new StorageNotFoundError(
      `Sentry project ${target.projectId} is not mapped to this Jira project (any more): reload the page.`,
      'projectId',
    );
  }
}

/** Queues the backfill and answers its progress record (queued). */
export async function startProjectBackfill(
  jiraProjectId: string,
  accountId: string | null,
  target: { connectionId: string; projectId: string },
  options: ProjectBackfillOptions = {},
): Promise<BackfillRun> {
  await requireProjectSettingsAccess(accountId, jiraProjectId, options.permissions);
  await requireMappedSentryProject(jiraProjectId, target);
  await backfillSentryProject({ ...target, requestedBy: accountId }, options.now, options.push);
  const run = await getSentryBackfill(target.connectionId, target.projectId);
  if (!run) throw new Error('The backfill was queued but its progress record could not be read back.');
  return run;
}

/** The latest backfill of a mapped Sentry project, or null when it never had one. */
export async function getProjectBackfill(
  jiraProjectId: string,
  accountId: string | null,
  target: { connectionId: string; projectId: string },
  options: Pick<ProjectBackfillOptions, 'permissions'> = {},
): Promise<BackfillRun | null> {
  await requireProjectSettingsAccess(accountId, jiraProjectId, options.permissions);
  await requireMappedSentryProject(jiraProjectId, target);
  return (await getSentryBackfill(target.connectionId, target.projectId)) ?? null;
}
