// Resolvers of the global settings page for connections: add, rename, rotate a secret, test, and
// remove with what goes with it. Jira admins only, checked before anything is read or changed. No
// answer ever carries a token or webhook secret: they are write-only (see services/connections).
import type Resolver from '@forge/resolver';
import { z } from 'zod';
import {
  connectionSecretFieldSchema,
  type ConnectionRemovalPreview,
  type ConnectionRemovalProgress,
  type ConnectionSaveResult,
} from '../../domain/connection-settings';
import { addConnection } from '../../services/connections/add-connection';
import {
  renameConnection,
  rotateConnectionSecret,
  setSentryInstallation,
} from '../../services/connections/change-connection';
import { previewConnectionRemoval, removeConnection } from '../../services/connections/remove-connection';
import { runConnectionTest, type ConnectionTestAnswer } from '../../services/connections/run-connection-test';
import { requireGlobalAdmin } from '../../services/access/permissions';
import { defineResolver } from './define';

const connectionIdSchema = z.string().min(1).max(200);
const connectionPayload = z.strictObject({ connectionId: connectionIdSchema });
/** Form values are checked field by field by the service, so each message lands beside its field. */
const formValue = z.unknown();

export function defineConnectionResolvers(resolver: Resolver): void {
  /** Adds a Sentry or SonarCloud organization; bad fields are refused with a message per field. */
  defineResolver(
    resolver,
    'addConnection',
    z.record(z.string(), formValue),
    async (input, context): Promise<ConnectionSaveResult> => {
      await requireGlobalAdmin(context.accountId);
      return addConnection(input);
    },
  );

  defineResolver(
    resolver,
    'renameConnection',
    z.strictObject({ connectionId: connectionIdSchema, label: formValue }),
    async ({ connectionId, label }, context): Promise<ConnectionSaveResult> => {
      await requireGlobalAdmin(context.accountId);
      return renameConnection(connectionId, label);
    },
  );

  /** Replaces the token or the webhook secret; the answer says only that it is set, and since when. */
  defineResolver(
    resolver,
    'rotateConnectionSecret',
    z.strictObject({
      connectionId: connectionIdSchema,
      field: connectionSecretFieldSchema,
      value: formValue,
    }),
    async ({ connectionId, field, value }, context): Promise<ConnectionSaveResult> => {
      await requireGlobalAdmin(context.accountId);
      return rotateConnectionSecret(connectionId, field, value);
    },
  );

  /** Sets a Sentry connection's installation ID by hand, until its webhooks name it. */
  defineResolver(
    resolver,
    'setSentryInstallation',
    z.strictObject({ connectionId: connectionIdSchema, uuid: formValue }),
    async ({ connectionId, uuid }, context): Promise<ConnectionSaveResult> => {
      await requireGlobalAdmin(context.accountId);
      return setSentryInstallation(connectionId, uuid);
    },
  );

  /** Runs the connection test with the stored token (read-only calls to Sentry / SonarCloud). */
  defineResolver(
    resolver,
    'testConnection',
    connectionPayload,
    async ({ connectionId }, context): Promise<ConnectionTestAnswer> => {
      await requireGlobalAdmin(context.accountId);
      return runConnectionTest(connectionId);
    },
  );

  /** What removing the connection would remove, counted, for the confirmation. */
  defineResolver(
    resolver,
    'getConnectionRemovalPreview',
    connectionPayload,
    async ({ connectionId }, context): Promise<ConnectionRemovalPreview> => {
      await requireGlobalAdmin(context.accountId);
      return previewConnectionRemoval(connectionId);
    },
  );

  /** Removes the connection and what goes with it; answers done: false when it must be called again. */
  defineResolver(
    resolver,
    'removeConnection',
    connectionPayload,
    async ({ connectionId }, context): Promise<ConnectionRemovalProgress> => {
      await requireGlobalAdmin(context.accountId);
      return removeConnection(connectionId);
    },
  );
}
