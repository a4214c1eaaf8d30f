/**
 * Which project jobs a sync run enqueues: one per mapped Sentry project and per mapped SonarCloud
 * project branch, on connections that are not paused and have a token, leaving out projects that
 * are backing off after failures (unless a person asked for the run).
 */
import { isSyncDue } from '../domain/backoff';
import type { Connection, ProductMapping, SyncState, SyncTrigger } from '../domain/model';
import { listConnections, listProductMappings, listSyncStates } from '../storage';
import { newRunId, type ProjectJob } from './sync-jobs';

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
  };
  const seen = new Set<string>();

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
    }
    if (request.mode === 'backfill') continue; // a backfill is about Sentry issues
    for (const ref of mapping.sonarProjects) {
      if (!admit('sonarcloud', ref.connectionId, `${ref.projectKey}@${ref.branch}`)) continue;
      plan.jobs.push({
        kind: 'sonar-project',
        runId,
        trigger: request.trigger,
        connectionId: ref.connectionId,
        projectKey: ref.projectKey,
        branch: ref.branch,
      });
    }
  }
  return plan;
}
