/**
 * Which project jobs a sync run enqueues: one per mapped Sentry project and per mapped SonarCloud
 * project (its mapped branches, up to MAX_SONAR_BRANCHES_PER_JOB a job), on connections that are not
 * paused and have a token, leaving out projects (branches) that are backing off after failures
 * (unless a person asked for the run).
 */
import { isSyncDue } from '../../domain/backoff';
import type { Connection, ProductMapping, SyncState, SyncTrigger } from '../../domain/model';
import { listConnections, listProductMappings, listSyncStates } from '../../storage';
import {
  branchesOf,
  MAX_SONAR_BRANCHES_PER_JOB,
  newRunId,
  type ProjectJob,
  type SonarProjectJob,
} from './sync-jobs';

export interface PlanRequest {
  trigger: SyncTrigger;
  /** Only this connection's projects. */
  connectionId?: string;
  /** Only this project: a Sentry project id, or a SonarCloud `projectKey@branch`. */
  projectId?: string;
  /** Sentry projects: 'backfill' syncs every issue instead of those changed since the cursor. */
  mode?: 'incremental' | 'backfill';
  /** Scheduled runs leave out projects in backoff; a person's "sync now" does not. */
  respectBackoff: boolean;
  /** Also the daily counts refresh of the Sentry projects whose hour of the day this is. */
  countsRefresh?: boolean;
}

export interface SyncPlan {
  runId: string;
  jobs: ProjectJob[];
  skipped: {
    /** Projects of paused connections. */
    paused: number;
    /** Projects backing off after failures. */
    backingOff: number;
    /** Projects of connections without a token or that no longer exist. */
    unusable: number;
  };
  /** All mappings read (the scheduled run also rolls their history up). */
  mappings: ProductMapping[];
  /** Sentry jobs of projects never synced to completion: they sync every issue (heavier to pace). */
  firstSyncs: Set<ProjectJob>;
  /** Daily counts refreshes (last in the plan: the lowest priority). */
  countsRefreshes: Set<ProjectJob>;
}

/**
 * The UTC hour in which a Sentry project's counts are refreshed: spread by a hash of its ids, so each
 * hourly run refreshes about a 24th of the projects and every project once a day.
 */
/**
 * A project's counts are refreshed in its hour of the day once the last refresh is most of a day old
 * (or in any hour once it is two days old: a missed hour does not wait another day).
 */
export function isCountsRefreshDue(
  connectionId: string,
  projectId: string,
  state: SyncState | undefined,
  now: Date,
): boolean {
  if (!state?.countsRefreshedAt) return false;
  const age = now.getTime() - Date.parse(state.countsRefreshedAt);
  if (age >= 47 * HOUR_MS) return true;
  return age >= 23 * HOUR_MS && countsRefreshHour(connectionId, projectId) === now.getUTCHours();
}

const HOUR_MS = 3_600_000;

export function countsRefreshHour(connectionId: string, projectId: string): number {
  let hash = 2_166_136_261;
  for (const char of `${connectionId}\u0000${projectId}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 16_777_619) >>> 0;
  }
  return hash % 24;
}

function stateKey(connectionId: string, projectId: string): string {
  return `${connectionId}\u0000${projectId}`;
}

export async function planProjectJobs(request: PlanRequest, now: Date): Promise<SyncPlan> {
  const runId = newRunId(request.trigger, now);
  const [connections, mappings, sentryStates, sonarStates] = await Promise.all([
    listConnections(),
    listProductMappings(),
    request.respectBackoff ? listSyncStates('sentry') : Promise.resolve([]),
    request.respectBackoff ? listSyncStates('sonarcloud') : Promise.resolve([]),
  ]);
  const byId = new Map<string, Connection>(connections.map((connection) => [connection.id, connection]));
  const states = new Map<string, SyncState>();
  for (const state of [...sentryStates, ...sonarStates]) {
    states.set(`${state.source}\u0000${stateKey(state.connectionId, state.projectId)}`, state);
  }
  const plan: SyncPlan = {
    runId,
    jobs: [],
    skipped: { paused: 0, backingOff: 0, unusable: 0 },
    mappings,
    firstSyncs: new Set(),
    countsRefreshes: new Set(),
  };
  const refreshes: ProjectJob[] = [];
  const seen = new Set<string>();
  const sonarJobs = new Map<string, SonarProjectJob>();

  const admit = (kind: Connection['kind'], connectionId: string, projectId: string): boolean => {
    if (request.connectionId !== undefined && connectionId !== request.connectionId) return false;
    if (request.projectId !== undefined && projectId !== request.projectId) return false;
    const id = `${kind}\u0000${stateKey(connectionId, projectId)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    const connection = byId.get(connectionId);
    if (!connection || connection.kind !== kind || !connection.hasToken) {
      plan.skipped.unusable += 1;
      return false;
    }
    if (connection.paused) {
      plan.skipped.paused += 1;
      return false;
    }
    const source = kind === 'sentry' ? 'sentry' : 'sonarcloud';
    if (
      request.respectBackoff &&
      !isSyncDue(states.get(`${source}\u0000${stateKey(connectionId, projectId)}`), now)
    ) {
      plan.skipped.backingOff += 1;
      return false;
    }
    return true;
  };

  for (const mapping of mappings) {
    for (const ref of mapping.sentryProjects) {
      if (!admit('sentry', ref.connectionId, ref.projectId)) continue;
      const job: ProjectJob = {
        kind: 'sentry-project',
        runId,
        trigger: request.trigger,
        connectionId: ref.connectionId,
        projectId: ref.projectId,
        projectSlug: ref.projectSlug,
        mode: request.mode ?? 'incremental',
      };
      plan.jobs.push(job);
      const state = states.get(`sentry\u0000${stateKey(ref.connectionId, ref.projectId)}`);
      if (request.mode === 'backfill' || (request.respectBackoff && !state?.lastSuccessAt))
        plan.firstSyncs.add(job);
      else if (request.countsRefresh && isCountsRefreshDue(ref.connectionId, ref.projectId, state, now))
        refreshes.push({ ...job, mode: 'counts' });
    }
    if (request.mode === 'backfill') continue; // a backfill is about Sentry issues
    for (const ref of mapping.sonarProjects) {
      if (!admit('sonarcloud', ref.connectionId, `${ref.projectKey}@${ref.branch}`)) continue;
      // The branches of one project share a job, up to a limit: one branch list serves them all.
      const projectOf = stateKey(ref.connectionId, ref.projectKey);
      const open = sonarJobs.get(projectOf);
      if (open && branchesOf(open) < MAX_SONAR_BRANCHES_PER_JOB) {
        open.moreBranches = [...(open.moreBranches ?? []), ref.branch];
        continue;
      }
      const job: SonarProjectJob = {
        kind: 'sonar-project',
        runId,
        trigger: request.trigger,
        connectionId: ref.connectionId,
        projectKey: ref.projectKey,
        branch: ref.branch,
      };
      sonarJobs.set(projectOf, job);
      plan.jobs.push(job);
    }
  }
  for (const job of refreshes) {
    plan.jobs.push(job);
    plan.countsRefreshes.add(job);
  }
  return plan;
}
