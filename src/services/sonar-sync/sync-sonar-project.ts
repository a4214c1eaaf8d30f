/**
 * Syncs one SonarCloud project branch: the date of its last analysis, its quality gate and measures
 * (three requests), recorded through recordSonarProject (which also writes the daily history point).
 * A scheduled sync of a branch whose analysis date is the one its gate and measures were fetched for
 * today, and whose gate status in the branch list is the one recorded, makes that first request only:
 * SonarCloud computes both per analysis. Once a day (and on every manual sync or retry) both are fetched
 * anyway, since editing issues in SonarCloud (accepting one, marking a false positive) updates the
 * measures, and the gate, without a new analysis.
 * The analysis date is recorded with them, so a stale delivery of an older analysis can never roll the
 * gate back (the web trigger records only analyses newer than it), and SonarCloud's API answering an
 * analysis older than the one recorded (a webhook got there first) changes nothing. A rate limit or
 * outage re-enqueues the job after the wait; a project whose sync keeps failing backs off.
 */
import { z } from 'zod';

import { defaultEnvironment, isRetryLater, OutOfTimeError, type HttpOptions } from '../../clients/http';
import type { SonarCloudClient } from '../../clients/sonarcloud';
import { isSyncDue, recordSyncFailure, recordSyncSuccess } from '../../domain/backoff';
import type { SonarCloudConnection, SyncLogEntry } from '../../domain/model';
import { qualityGateFromApi, sonarSnapshot } from '../../domain/snapshots';
import { timestampMs } from '../../domain/timestamps';
import {
  DEFAULT_SONAR_BRANCH,
  getConnection,
  getOrInitSyncState,
  getSonarSnapshot,
  saveSyncState,
  utcDay,
} from '../../storage';
import { recordSonarProject } from './record-sonar-snapshot';
import { noteSetupStep } from '../setup/note-setup-milestone';
import { sonarClientFor } from '../sync/sync-clients';
import {
  projectIdOf,
  pushSyncJobs,
  whenContinued,
  ZERO_TOTALS,
  type RunTotals,
  type SonarProjectJob,
} from '../sync/sync-jobs';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';
import {
  MAX_DEFERRALS,
  backoffNow,
  defaultSyncEnvironment,
  type SyncEnvironment,
  type SyncRunOutcome,
} from '../sentry-sync/sync-sentry-project';

export interface SonarSyncEnvironment extends Omit<SyncEnvironment, 'sentryClient'> {
  sonarClient?: (connection: SonarCloudConnection, http?: HttpOptions) => Promise<SonarCloudClient>;
}

export interface SonarSyncResult {
  outcome: SyncRunOutcome;
  totals: RunTotals;
  continuation: SonarProjectJob | null;
  logEntry: SyncLogEntry;
}

// SonarCloud's dates are only compared with each other: every time here is the app's clock.
function defaultSonarEnvironment(): SonarSyncEnvironment {
  return { ...defaultSyncEnvironment(), now: () => new Date(defaultEnvironment.now()) };
}

/**
 * Syncs the branches a job names (`branch`, then `moreBranches`) one after the other, each as its own
 * run (sync state, backoff, log entry, continuation): they share one client whose branch list is asked
 * for once per project, since api/project_branches/list returns every branch of the project. A branch
 * whose sync throws does not stop the others; the first such error is thrown once all have run.
 */
export async function syncSonarBranches(
  job: SonarProjectJob,
  env: SonarSyncEnvironment = defaultSonarEnvironment(),
): Promise<SonarSyncResult[]> {
  const { moreBranches, ...first } = job;
  const clientFor = env.sonarClient ?? sonarClientFor;
  let shared: Promise<SonarCloudClient> | undefined;
  const sonarClient: SonarSyncEnvironment['sonarClient'] = (connection, http) =>
    (shared ??= clientFor(connection, http).then(sharingBranchLists));
  const results: SonarSyncResult[] = [];
  let failure: { error: unknown } | null = null;
  for (const branch of [job.branch, ...(moreBranches ?? [])]) {
    try {
      results.push(await syncSonarProject({ ...first, branch }, { ...env, sonarClient }));
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
  return results;
}

/** The client, answering each project's branch list from its first request (a failed one fails again). */
function sharingBranchLists(client: SonarCloudClient): SonarCloudClient {
  const lists = new Map<string, ReturnType<SonarCloudClient['listBranches']>>();
  const listBranches = (projectKey: string): ReturnType<SonarCloudClient['listBranches']> => {
    let list = lists.get(projectKey);
    if (!list) {
      list = client.listBranches(projectKey);
      lists.set(projectKey, list);
    }
    return list;
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'listBranches') return listBranches;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function syncSonarProject(
  job: SonarProjectJob,
  env: SonarSyncEnvironment = defaultSonarEnvironment(),
): Promise<SonarSyncResult> {
  const started = env.now();
  const push = env.push ?? pushSyncJobs;
  const stateId = projectIdOf(job);
  const label = `SonarCloud project ${job.projectKey} (branch ${job.branch})`;
  let totals: RunTotals = { ...ZERO_TOTALS };

  const finish = async (
    outcome: SyncRunOutcome,
    continuation: SonarProjectJob | null,
    errors: string[],
  ): Promise<SonarSyncResult> => {
    const logEntry = await logSyncRun(
      {
        trigger: job.trigger,
        source: 'sonarcloud',
        connectionId: job.connectionId,
        projectId: stateId,
        durationMs: Math.max(0, env.now().getTime() - started.getTime()),
        fetched: totals.fetched,
        changed: totals.changed,
        failed: totals.failed,
        outcome:
          outcome === 'completed'
            ? 'ok'
            : outcome === 'skipped'
              ? 'skipped'
              : outcome === 'failed'
                ? 'failed'
                : 'partial',
        errors,
        retry:
          outcome === 'failed'
            ? {
                kind: job.kind,
                connectionId: job.connectionId,
                projectKey: job.projectKey,
                branch: job.branch,
              }
            : null,
        at: started,
      },
      env.now(),
    );
    if (outcome === 'completed') await noteSetupStep('first-sync', job.connectionId, env.now());
    return { outcome, totals, continuation, logEntry };
  };

  const connection = await getConnection(job.connectionId);
  if (!connection || connection.kind !== 'sonarcloud') {
    return finish('skipped', null, [
      `Sync of ${label} skipped: its connection ${job.connectionId} no longer exists. ` +
        'Remove the project from its product, or add the connection again.',
    ]);
  }
  if (connection.paused) {
    return finish('skipped', null, [
      `Sync of ${label} skipped: the connection "${connection.label}" is paused.`,
    ]);
  }
  let state = await getOrInitSyncState('sonarcloud', job.connectionId, stateId);
  if (job.trigger === 'schedule' && !job.continuation && !isSyncDue(state, backoffNow(env))) {
    return finish('skipped', null, [
      `Sync of ${label} skipped: it is backing off after ${state.consecutiveFailures} failed runs until ` +
        `${state.backoffUntil}. Last error: ${state.lastError ?? 'unknown'}`,
    ]);
  }

  try {
    const client = await (env.sonarClient ?? sonarClientFor)(connection, env.http);
    // The mapping's default branch means "the main branch", whatever SonarCloud calls it.
    const branch = job.branch === DEFAULT_SONAR_BRANCH ? undefined : job.branch;
    const [{ analysedAt, gateStatus }, previous] = await Promise.all([
      analysisOf(client, job.projectKey, branch),
      getSonarSnapshot(job.connectionId, job.projectKey, job.branch),
    ]);
    if (analysedAt && previous?.analysedAt && timestampMs(analysedAt) < timestampMs(previous.analysedAt)) {
      totals = { ...totals, fetched: 1, pages: 1 };
      state = recordSyncSuccess(state, null, env.now());
      await saveSyncState(state);
      return finish('completed', null, [
        `SonarCloud still reports the analysis of ${label} from ${analysedAt}, older than the one recorded ` +
          `(${previous.analysedAt}): the newer gate was kept.`,
      ]);
    }
    if (
      job.trigger === 'schedule' &&
      previous?.analysedAt &&
      analysedAt &&
      timestampMs(previous.analysedAt) === timestampMs(analysedAt) &&
      // Editing issues can flip the gate without an analysis: the list shows it, so fetch then.
      (gateStatus === null || gateStatus === previous.qualityGate) &&
      fetchedForAnalysis(state.cursor, analysedAt, env.now())
    ) {
      totals = { ...totals, fetched: 1, pages: 1 };
      state = recordSyncSuccess(state, state.cursor, env.now());
      await saveSyncState(state);
      return finish('completed', null, []);
    }
    const gate = await client.getQualityGate(job.projectKey, branch);
    const measures = await client.getMeasures(job.projectKey, { ...(branch ? { branch } : {}) });
    totals = { ...totals, fetched: 1, pages: 3 };
    const now = env.now();
    const next = sonarSnapshot(
      {
        connectionId: job.connectionId,
        projectKey: job.projectKey,
        projectName: measures.projectName,
        branch: job.branch,
        qualityGate: qualityGateFromApi(gate),
        measures: measures.measures,
        // Undefined (SonarCloud did not say): the recorded date stays.
        ...(analysedAt ? { analysedAt } : {}),
      },
      { now, previous: previous ?? null },
    );
    const recorded = await recordSonarProject(next, { trigger: job.trigger }, now);
    totals = { ...totals, changed: recorded.changed ? 1 : 0 };
    state = recordSyncSuccess(state, analysedAt ? sonarFetchCursor(analysedAt, now) : null, env.now());
    await saveSyncState(state);
    return finish('completed', null, []);
  } catch (error) {
    const words = errorInWords(error);
    const deferrals = job.continuation?.deferrals ?? 0;
    if (error instanceof OutOfTimeError || (isRetryLater(error) && deferrals < MAX_DEFERRALS)) {
      const waitSeconds = Math.max(5, Math.ceil(error.retryAfterMs / 1000));
      const next: SonarProjectJob = {
        ...job,
        continuation: {
          part: (job.continuation?.part ?? 1) + 1,
          deferrals: deferrals + 1,
          totals: ZERO_TOTALS,
          startedAt: job.continuation?.startedAt ?? started.toISOString(),
        },
      };
      const pushed = await push([{ job: next, delayInSeconds: waitSeconds }]);
      return finish(error instanceof OutOfTimeError ? 'continued' : 'deferred', next, [
        `Sync of ${label} waits: ${words} It runs again ${whenContinued(pushed, waitSeconds)}.`,
      ]);
    }
    state = recordSyncFailure(state, words, backoffNow(env), {
      retryAfterMs: isRetryLater(error) ? error.retryAfterMs : null,
    });
    await saveSyncState(state);
    return finish('failed', null, [
      `Sync of ${label} failed (${state.consecutiveFailures} in a row; next scheduled attempt after ` +
        `${state.backoffUntil}): ${words}`,
    ]);
  }
}

/**
 * When SonarCloud last analysed the branch (the main branch when `branch` is undefined) and its gate's
 * status now, as far as it says: the branch list carries both (api/project_branches/list).
 */
async function analysisOf(
  client: SonarCloudClient,
  projectKey: string,
  branch: string | undefined,
): Promise<{ analysedAt: string | null; gateStatus: string | null }> {
  const branches = await client.listBranches(projectKey);
  const analysed = branches.find((candidate) =>
    branch === undefined ? candidate.isMain : candidate.name === branch,
  );
  const date = analysed?.analysisDate;
  return {
    analysedAt: date && Number.isFinite(timestampMs(date)) ? date : null,
    gateStatus: analysed?.status?.qualityGateStatus ?? null,
  };
}

/**
 * The sync state's cursor of a SonarCloud branch: the analysis its gate and measures were last fetched
 * for, and the UTC day they were fetched on (the sync fetches them again on a new day).
 */
const sonarFetchCursorSchema = z.object({ analysedAt: z.string(), fetchedOn: z.string() });

export function sonarFetchCursor(analysedAt: string, now: Date): string {
  return JSON.stringify({ analysedAt, fetchedOn: utcDay(now) });
}

/** True when `cursor` says the gate and measures of the analysis at `analysedAt` were fetched today. */
export function fetchedForAnalysis(cursor: string | null, analysedAt: string, now: Date): boolean {
  if (cursor === null) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    return false;
  }
  const fetched = sonarFetchCursorSchema.safeParse(parsed);
  return (
    fetched.success &&
    fetched.data.fetchedOn === utcDay(now) &&
    timestampMs(fetched.data.analysedAt) === timestampMs(analysedAt)
  );
}
