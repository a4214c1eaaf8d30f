// Resolver of the global settings page (function admin-fn): connections, products, sync log.
import Resolver from '@forge/resolver';
import { z } from 'zod';
import type { Connection } from '../../domain/model';
import type { ConnectionsView, SyncLogPageView } from '../../domain/views';
import { listReadableConnections, toReadableConnection } from '../../services/connections/connection-labels';
import { requireGlobalAdmin } from '../../services/access/permissions';
import {
  backfillSentryProject,
  pauseConnection,
  resumeConnection,
  retrySyncLogEntry,
  syncNow,
  type EnqueuedSync,
  type SyncLogRetryResult,
} from '../../services/sync/sync-control';
import { nameSyncLogEntries } from '../../services/sync-log/sync-log-names';
import { getWebhookUrls, type WebhookUrlsView } from '../../services/webhooks/webhook-urls';
import { listSyncLogPage, SYNC_LOG_PAGE_DEFAULT, SYNC_LOG_PAGE_MAX } from '../../storage';
import { defineProductResolvers } from './admin-products';
import { defineConnectionResolvers } from './admin-connections';
import { defineSetupResolvers } from './admin-setup';
import { defineHealthResolvers } from './admin-health';
import { defineLinkSearchResolvers } from './link-search-settings';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

/** The connections, readable fields only (flags and times for secrets, never a value); Jira admins only. */
defineResolver(resolver, 'getConnections', noPayload, async (_input, context): Promise<ConnectionsView> => {
  await requireGlobalAdmin(context.accountId);
  return { connections: await listReadableConnections() };
});
defineConnectionResolvers(resolver);

// Products, their mappings and bulk assignment.
defineProductResolvers(resolver);

// The Get started checklist.
defineSetupResolvers(resolver);

// The portfolio of every product's health, and the weights of the health parts.
defineHealthResolvers(resolver);

// How widely linking from a Jira issue searches Sentry (the page toggle belongs to the settings page).
defineLinkSearchResolvers(resolver);

/** A page of the sync log; `cursor` is what the previous page returned as nextCursor. */
export const syncLogPageSchema = z.strictObject({
  cursor: z.string().min(1).max(2_000).nullable().default(null),
  limit: z.number().int().min(1).max(SYNC_LOG_PAGE_MAX).default(SYNC_LOG_PAGE_DEFAULT),
});

defineResolver(
  resolver,
  'getSyncLog',
  syncLogPageSchema,
  async ({ cursor, limit }, context): Promise<SyncLogPageView> => {
    await requireGlobalAdmin(context.accountId);
    const page = await listSyncLogPage({ cursor, limit });
    return { entries: await nameSyncLogEntries(page.items), nextCursor: page.cursor };
  },
);

/** Each connection's webhook URL to paste into Sentry / SonarCloud; Jira admins only. */
defineResolver(resolver, 'getWebhookUrls', noPayload, async (_input, context): Promise<WebhookUrlsView> => {
  await requireGlobalAdmin(context.accountId);
  return getWebhookUrls();
});

// ---- sync control (Jira admins only) ----
const connectionIdSchema = z.string().min(1).max(200);
const connectionPayload = z.strictObject({ connectionId: connectionIdSchema });

/** Pauses a connection: see pauseConnection for everything that stops. */
defineResolver(
  resolver,
  'pauseConnection',
  connectionPayload,
  async ({ connectionId }, context): Promise<Connection> => {
    await requireGlobalAdmin(context.accountId);
    return toReadableConnection(await pauseConnection(connectionId));
  },
);

defineResolver(
  resolver,
  'resumeConnection',
  connectionPayload,
  async ({ connectionId }, context): Promise<Connection> => {
    await requireGlobalAdmin(context.accountId);
    return toReadableConnection(await resumeConnection(connectionId));
  },
);

/** "Sync now" for a connection, or one of its projects (Sentry project id, or SonarCloud `projectKey@branch`). */
defineResolver(
  resolver,
  'syncNow',
  z.strictObject({ connectionId: connectionIdSchema, projectId: z.string().min(1).max(500).optional() }),
  async ({ connectionId, projectId }, context): Promise<EnqueuedSync> => {
    await requireGlobalAdmin(context.accountId);
    return syncNow({ connectionId, ...(projectId !== undefined ? { projectId } : {}) });
  },
);

/** A full backfill of one mapped Sentry project. */
defineResolver(
  resolver,
  'backfillProject',
  z.strictObject({ connectionId: connectionIdSchema, projectId: z.string().min(1).max(200) }),
  async ({ connectionId, projectId }, context): Promise<EnqueuedSync> => {
    await requireGlobalAdmin(context.accountId);
    return backfillSentryProject({ connectionId, projectId });
  },
);

/**
 * Repeats the work of a failed sync log entry (identified by its time and id, as getSyncLog returns them):
 * a sync job is queued, or a status change / rule action is retried at once and `succeeded` and `message`
 * say whether it worked or why it still fails.
 */
defineResolver(
  resolver,
  'retrySyncLogEntry',
  z.strictObject({ at: z.string().min(1).max(100), id: z.string().min(1).max(200) }),
  async ({ at, id }, context): Promise<SyncLogRetryResult> => {
    await requireGlobalAdmin(context.accountId);
    return retrySyncLogEntry({ at, id });
  },
);

export const adminResolverDefinitions = resolver.getDefinitions();
