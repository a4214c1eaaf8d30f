// Remote clients for a stored connection, with its token read from the KVS secret.
import type { HttpOptions } from '../../clients/http';
import { createSentryClient, type SentryClient } from '../../clients/sentry';
import { createSonarCloudClient, type SonarCloudClient } from '../../clients/sonarcloud';
import type { SentryConnection, SonarCloudConnection } from '../../domain/model';
import { getConnectionSecrets } from '../../storage';

/** The connection cannot be used as stored (no token); the message says what to do. */
export class ConnectionNotReadyError extends Error {
  override readonly name = 'ConnectionNotReadyError';
}

export async function sentryClientFor(
  connection: SentryConnection,
  http?: HttpOptions,
): Promise<SentryClient> {
  const { token } = await getConnectionSecrets(connection.id);
  if (!token) {
    throw new ConnectionNotReadyError(
      `The Sentry connection "${connection.label || connection.organizationSlug}" has no auth token: ` +
        'add one on the Product health admin page.',
    );
  }
  return createSentryClient({
    region: connection.region,
    organizationSlug: connection.organizationSlug,
    token,
    ...(http ? { http } : {}),
  });
}

export async function sonarClientFor(
  connection: SonarCloudConnection,
  http?: HttpOptions,
): Promise<SonarCloudClient> {
  const { token } = await getConnectionSecrets(connection.id);
  if (!token) {
    throw new ConnectionNotReadyError(
      `The SonarCloud connection "${connection.label || connection.organizationKey}" has no token: ` +
        'add one on the Product health admin page.',
    );
  }
  return createSonarCloudClient({
    organizationKey: connection.organizationKey,
    token,
    ...(http ? { http } : {}),
  });
}
