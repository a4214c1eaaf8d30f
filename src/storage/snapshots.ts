/**
 * Last known state of Sentry issues and SonarCloud project branches, written by sync and
 * webhooks, read by pages (pages never wait on Sentry or SonarCloud).
 *
 * A Sentry snapshot is stored twice, in one transaction: `snap:sentry:<conn>:<issueId>` for
 * reads by issue (the issue panel reads all its issues in one batchGet) and
 * `snap:sentry-project:<conn>:<projectId>:<issueId>` so a project's issues are one prefix
 * query. SonarCloud snapshots live at `snap:sonar:<conn>:<projectKey>:<branch>`.
 */
import { kvs } from '@forge/kvs';
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../domain/model';
import {
  sentryProjectSnapshotKey,
  sentryProjectSnapshotPrefix,
  sentrySnapshotKey,
  sonarSnapshotKey,
  sonarSnapshotPrefix,
} from './keys';
import {
  batchGetValues,
  listAllValues,
  listValuesPage,
  writeInTransactions,
  type Page,
  type PageRequest,
  type WriteOperation,
} from './kvs-helpers';

export interface SentryIssueRef {
  connectionId: string;
  issueId: string;
}

export interface SonarBranchRef {
  connectionId: string;
  projectKey: string;
  branch: string;
}

// ---------------------------------------------------------------- Sentry

/** Writes snapshots, each with its project copy, atomically per 12 snapshots (25-operation limit). */
export async function saveSentrySnapshots(snapshots: readonly SentryIssueSnapshot[]): Promise<void> {
  const latest = new Map(
    snapshots.map((snapshot) => [sentrySnapshotKey(snapshot.connectionId, snapshot.id), snapshot]),
  );
  const operations: WriteOperation[] = [];
  for (const [key, snapshot] of latest) {
    operations.push({ kind: 'set', key, value: snapshot });
    operations.push({
      kind: 'set',
      key: sentryProjectSnapshotKey(snapshot.connectionId, snapshot.projectId, snapshot.id),
      value: snapshot,
    });
  }
  // Pairs must not straddle two transactions: 24 operations (12 snapshots) per transaction.
  for (let index = 0; index < operations.length; index += 24) {
    await writeInTransactions(operations.slice(index, index + 24));
  }
}

export async function saveSentrySnapshot(snapshot: SentryIssueSnapshot): Promise<void> {
  await saveSentrySnapshots([snapshot]);
}

export async function getSentrySnapshot(
  connectionId: string,
  issueId: string,
): Promise<SentryIssueSnapshot | undefined> {
  return kvs.get<SentryIssueSnapshot>(sentrySnapshotKey(connectionId, issueId));
}

/**
 * The snapshots of the given issues, in the order asked, undefined where none is stored.
 * Up to 25 issues cost one KVS batchGet.
 */
export async function getSentrySnapshots(
  refs: readonly SentryIssueRef[],
): Promise<Array<SentryIssueSnapshot | undefined>> {
  const keys = refs.map((ref) => sentrySnapshotKey(ref.connectionId, ref.issueId));
  const found = await batchGetValues<SentryIssueSnapshot>(keys);
  return keys.map((key) => found.get(key));
}

/** A project's issue snapshots, page by page in issue-id order. */
export async function listSentrySnapshotsOfProjectPage(
  connectionId: string,
  projectId: string,
  request: PageRequest = {},
): Promise<Page<SentryIssueSnapshot>> {
  return listValuesPage<SentryIssueSnapshot>(sentryProjectSnapshotPrefix(connectionId, projectId), request);
}

export async function listSentrySnapshotsOfProject(
  connectionId: string,
  projectId: string,
): Promise<SentryIssueSnapshot[]> {
  return listAllValues<SentryIssueSnapshot>(sentryProjectSnapshotPrefix(connectionId, projectId));
}

/** Removes the snapshots (both copies) of the given issues; missing ones are skipped. */
export async function deleteSentrySnapshots(refs: readonly SentryIssueRef[]): Promise<void> {
  const keys = refs.map((ref) => sentrySnapshotKey(ref.connectionId, ref.issueId));
  const found = await batchGetValues<SentryIssueSnapshot>(keys);
  const operations: WriteOperation[] = [];
  for (const [key, snapshot] of found) {
    operations.push({ kind: 'delete', key });
    operations.push({
      kind: 'delete',
      key: sentryProjectSnapshotKey(snapshot.connectionId, snapshot.projectId, snapshot.id),
    });
  }
  for (let index = 0; index < operations.length; index += 24) {
    await writeInTransactions(operations.slice(index, index + 24));
  }
}

// ---------------------------------------------------------------- SonarCloud

export async function saveSonarSnapshot(snapshot: SonarProjectSnapshot): Promise<void> {
  await kvs.set(sonarSnapshotKey(snapshot.connectionId, snapshot.projectKey, snapshot.branch), snapshot);
}

export async function getSonarSnapshot(
  connectionId: string,
  projectKey: string,
  branch: string,
): Promise<SonarProjectSnapshot | undefined> {
  return kvs.get<SonarProjectSnapshot>(sonarSnapshotKey(connectionId, projectKey, branch));
}

/** The snapshots of the given branches, in the order asked; one batchGet per 25. */
export async function getSonarSnapshots(
  refs: readonly SonarBranchRef[],
): Promise<Array<SonarProjectSnapshot | undefined>> {
  const keys = refs.map((ref) => sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch));
  const found = await batchGetValues<SonarProjectSnapshot>(keys);
  return keys.map((key) => found.get(key));
}

export async function listSonarSnapshotsOfConnection(connectionId: string): Promise<SonarProjectSnapshot[]> {
  return listAllValues<SonarProjectSnapshot>(sonarSnapshotPrefix(connectionId));
}

export async function listSonarSnapshotsOfConnectionPage(
  connectionId: string,
  request: PageRequest = {},
): Promise<Page<SonarProjectSnapshot>> {
  return listValuesPage<SonarProjectSnapshot>(sonarSnapshotPrefix(connectionId), request);
}

export async function deleteSonarSnapshot(
  connectionId: string,
  projectKey: string,
  branch: string,
): Promise<void> {
  await kvs.delete(sonarSnapshotKey(connectionId, projectKey, branch));
}
