// Trigger avi:forge:installed:app / avi:forge:upgraded:app (function lifecycle-fn): leaves a sync log
// entry saying the app was installed or upgraded, to which version, and what it found configured, so an
// admin reading the log can tell "before" from "after" an upgrade. Nothing needs seeding: status
// mappings and other settings fall back to their defaults when read.
import { z } from 'zod';
import { listConnections, listRules } from '../../storage';
import { errorInWords, logSyncRun } from '../../services/sync-log/sync-log-writer';

const lifecycleEventSchema = z
  .object({
    eventType: z.string().optional(),
    /** The installation id. */
    id: z.string().optional(),
    app: z
      .object({ id: z.string().optional(), version: z.union([z.string(), z.number()]).optional() })
      .loose()
      .optional(),
  })
  .loose();

export async function handleAppLifecycle(event: unknown): Promise<void> {
  const startedAt = Date.now();
  const parsed = lifecycleEventSchema.safeParse(event);
  const data = parsed.success ? parsed.data : {};
  const what =
    data.eventType === 'avi:forge:upgraded:app'
      ? 'upgraded'
      : data.eventType === 'avi:forge:installed:app'
        ? 'installed'
        : 'changed';
  const version = data.app?.version !== undefined ? ` (version ${String(data.app.version)})` : '';
  let found: string;
  const errors: string[] = [];
  try {
    const [connections, rules] = await Promise.all([listConnections(), listRules()]);
    const sentry = connections.filter((connection) => connection.kind === 'sentry').length;
    const sonar = connections.length - sentry;
    const enabled = rules.filter((rule) => rule.enabled).length;
    found = `${sentry} Sentry and ${sonar} SonarCloud connection(s), ${rules.length} automation rule(s) (${enabled} on)`;
  } catch (error) {
    found = 'its settings could not be read';
    errors.push(`Reading the settings after the app was ${what} failed: ${errorInWords(error)}`);
  }
  await logSyncRun({
    trigger: 'jira-event',
    source: 'jira',
    connectionId: null,
    projectId: null,
    durationMs: Date.now() - startedAt,
    fetched: 0,
    changed: 0,
    failed: errors.length,
    outcome: errors.length > 0 ? 'partial' : 'ok',
    errors,
    retry: null,
    summary: `Product health was ${what}${version}; found ${found}.`,
  });
}
