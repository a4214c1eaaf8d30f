// The readable parts of connections: for naming a connection next to a project, and for the admin list.
import type { Connection } from '../../domain/model';
import type { ConnectionLabel } from '../../domain/views';
import { listConnections } from '../../storage';

/**
 * Copies only the known readable fields, so a field added to a stored record by mistake
 * (a token, say) never reaches a page.
 */
export function toReadableConnection(connection: Connection): Connection {
  const common = {
    id: connection.id,
    label: connection.label,
    paused: connection.paused,
    hasToken: connection.hasToken,
    hasWebhookSecret: connection.hasWebhookSecret,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
    ...(connection.tokenSetAt !== undefined ? { tokenSetAt: connection.tokenSetAt } : {}),
    ...(connection.webhookSecretSetAt !== undefined
      ? { webhookSecretSetAt: connection.webhookSecretSetAt }
      : {}),
    ...(connection.lastTest !== undefined
      ? {
          lastTest: {
            at: connection.lastTest.at,
            ok: connection.lastTest.ok,
            summary: connection.lastTest.summary,
          },
        }
      : {}),
    ...(connection.removingSince !== undefined ? { removingSince: connection.removingSince } : {}),
  };
  return connection.kind === 'sentry'
    ? {
        ...common,
        kind: 'sentry',
        region: connection.region,
        organizationSlug: connection.organizationSlug,
        // Not a secret: an identifier in the URLs of Sentry's external-issues API.
        ...(connection.sentryAppInstallationUuid !== undefined
          ? { sentryAppInstallationUuid: connection.sentryAppInstallationUuid }
          : {}),
      }
    : { ...common, kind: 'sonarcloud', organizationKey: connection.organizationKey };
}

/** Every connection, readable fields only, Sentry first then by name. */
export async function listReadableConnections(): Promise<Connection[]> {
  const connections = await listConnections();
  return connections
    .map(toReadableConnection)
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
}

export async function listConnectionLabels(): Promise<ConnectionLabel[]> {
  return (await listConnections()).map(({ id, kind, label }) => ({ id, kind, label }));
}
