/**
 * Learns the Sentry integration's installation uuid from its verified webhooks: Sentry's external-issues
 * API is addressed by it, and every delivery carries it (`installation.uuid`). Written only when it
 * changes (one write per installation, none on the usual delivery); an uninstall clears it.
 */
import type { SentryConnection } from '../../domain/model';
import type { SentryWebhook } from '../../domain/webhooks/sentry';
import { updateReadConnection } from '../../storage';

const UUID = /^[0-9a-f-]{8,64}$/i;

/** The uuid the connection should remember after `webhook`: unchanged, a new one, or null (uninstalled). */
export function installationUuidAfter(
  current: string | undefined,
  webhook: SentryWebhook,
): string | null | undefined {
  if (webhook.resource === 'ignored') return undefined;
  if (webhook.resource === 'installation') {
    const { uuid } = webhook.installation;
    if (webhook.action === 'deleted') return uuid === current ? null : undefined;
    return UUID.test(uuid) && uuid !== current ? uuid : undefined;
  }
  const uuid = webhook.installationUuid;
  return uuid && UUID.test(uuid) && uuid !== current ? uuid : undefined;
}

/**
 * Saves the installation uuid the webhook names when the connection does not have it yet. `connection`
 * is the record as the delivery's authentication read it: one write, no read (it shares the round trip
 * of the delivery's own writes).
 */
export async function noteSentryInstallation(
  connection: SentryConnection,
  webhook: SentryWebhook,
  now: Date,
): Promise<void> {
  const next = installationUuidAfter(connection.sentryAppInstallationUuid, webhook);
  if (next === undefined) return;
  const updatedAt = now.toISOString();
  await (next === null
    ? updateReadConnection(connection, { updatedAt }, ['sentryAppInstallationUuid'])
    : updateReadConnection(connection, { updatedAt, sentryAppInstallationUuid: next }));
}
