// The Test button of a connection: runs the connection test (services/test-connection) with the stored
// token and keeps its outcome on the connection, so the page can say when it was last tested.
import type { ConnectionTestAnswer } from '../../domain/connection-settings';
import { getConnectionSecrets, saveConnection } from '../../storage';
import { testSentryConnection, testSonarCloudConnection, type ClientOverrides } from './test-connection';
import { requireChangeableConnection } from './connection-records';

export type { ConnectionTestAnswer };

export async function runConnectionTest(
  connectionId: string,
  options: { now?: () => Date; overrides?: ClientOverrides } = {},
): Promise<ConnectionTestAnswer> {
  const now = options.now ?? (() => new Date());
  const connection = await requireChangeableConnection(connectionId);
  const { token = '' } = await getConnectionSecrets(connectionId);
  const report =
    connection.kind === 'sentry'
      ? await testSentryConnection(connection, token, options.overrides)
      : await testSonarCloudConnection(connection, token, options.overrides);
  // Re-read: a rename or rotation may have happened while the test ran; keep it, add only the outcome.
  const current = await requireChangeableConnection(connectionId);
  const saved = await saveConnection({
    ...current,
    lastTest: { at: now().toISOString(), ok: report.ok, summary: report.summary },
  });
  return { report, connection: saved };
}
