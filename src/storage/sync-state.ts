/**
 * Per-project sync progress (`syncstate:<source>:<connectionId>:<projectId>`): where
 * incremental sync resumes, and the backoff after failures.
 */
import { kvs } from '@forge/kvs';
import { initialSyncState } from '../domain/backoff';
import type { SyncState } from '../domain/model';
import { syncStateKey, syncStatePrefix, type SyncSource } from './keys';
import { listAllValues, listValuesPage, type Page, type PageRequest } from './kvs-helpers';

export async function getSyncState(
  source: SyncSource,
  connectionId: string,
  projectId: string,
): Promise<SyncState | undefined> {
  return kvs.get<SyncState>(syncStateKey(source, connectionId, projectId));
}

/** The stored state, or a fresh one (no cursor, no failures) for a project never synced. */
export async function getOrInitSyncState(
  source: SyncSource,
  connectionId: string,
  projectId: string,
): Promise<SyncState> {
  return (
    (await getSyncState(source, connectionId, projectId)) ?? initialSyncState(source, connectionId, projectId)
  );
}

export async function saveSyncState(state: SyncState): Promise<void> {
  await kvs.set(syncStateKey(state.source, state.connectionId, state.projectId), state);
}

/** Reads, changes and writes one state; returns what was written. */
export async function updateSyncState(
  source: SyncSource,
  connectionId: string,
  projectId: string,
  changes: Partial<Omit<SyncState, 'source' | 'connectionId' | 'projectId'>>,
): Promise<SyncState> {
  const updated = { ...(await getOrInitSyncState(source, connectionId, projectId)), ...changes };
  await saveSyncState(updated);
  return updated;
}

export async function deleteSyncState(
  source: SyncSource,
  connectionId: string,
  projectId: string,
): Promise<void> {
  await kvs.delete(syncStateKey(source, connectionId, projectId));
}

/** Every state of a source, or of one connection of it. */
export async function listSyncStates(source: SyncSource, connectionId?: string): Promise<SyncState[]> {
  return listAllValues<SyncState>(syncStatePrefix(source, connectionId));
}

export async function listSyncStatesPage(
  source: SyncSource,
  connectionId: string | undefined,
  request: PageRequest = {},
): Promise<Page<SyncState>> {
  return listValuesPage<SyncState>(syncStatePrefix(source, connectionId), request);
}
