/**
 * The issue panel's read models, so a panel view costs ONE KVS round trip (one batchGet) whatever the
 * number of links:
 *
 * - `panelview:jira:<jiraIssueId>` (IssuePanelViewRecord): the Sentry issues linked to one Jira issue,
 *   each with its snapshot, and their JQL summary. Written in the same transaction as the link records,
 *   beside the Jira issue's link index (storage/links.ts), and rebuilt from strictly consistent reads
 *   wherever the summary is computed (refresh-issue-property.ts: snapshot recorded, link, unlink, status
 *   change), so a snapshot change reaches the panel with the JQL property.
 * - `panelquality:jira-project:<jiraProjectId>` (JiraProjectQualityViewRecord): the quality gate and key
 *   measures of the SonarCloud branches the Jira project maps, as the panel shows them. Rebuilt when a
 *   mapped branch's snapshot changes, removed when a mapping of the project changes (the next view
 *   rebuilds it), and rebuilt by a view once older than QUALITY_VIEW_MAX_AGE_MS.
 *
 * The panel reads both records and the link index (`linkidx:jira:<id>`) in one batchGet, and shows only
 * links the index names: every writer settles index and view against concurrent writers before it
 * returns (storage/links.ts settleJiraIssueViews), so a link removed a moment ago does not show even if a
 * rebuild from older reads overwrote the view meanwhile. A view that lacks a link the index names, or a
 * record from an older schema, is rebuilt by the reader.
 *
 * Adding a field the panel shows for each linked Sentry issue (e.g. whether it blocks Done, or which Jira
 * issue it belongs to):
 * 1. add it to IssuePanelLinkEntry as an optional field (records written before it lack it: the panel
 *    must treat absent as "not known yet"), or bump ISSUE_PANEL_VIEW_SCHEMA when absent would be wrong
 *    (every older record is then rebuilt on its next view);
 * 2. compute it in buildIssuePanelView from the link and its snapshot; if it needs another record, read
 *    that record's key in the same batched get as the links (storage/links.ts readLinksOfJiraIssueAnd
 *    takes extra keys) and pass it in: never a second round trip on the panel's read path;
 * 3. copy it to LinkedSentryIssueView in services/get-issue-panel.ts (issuePanelLinksFromRecord);
 * 4. if it depends on something other than the links and snapshots (a Jira status, a setting), rebuild
 *    the view where that changes: `listLinksOfJiraIssueKeepingPanelView(jiraIssueId)` rewrites it.
 * A field of the whole Jira issue goes on IssuePanelViewRecord the same way.
 */
import type { BranchQualityView } from '../domain/health/quality-summary';
import { computeSentryIssueProperty } from '../domain/issue-property';
import type {
  IssueLink,
  SentryIssuePropertyValue,
  SentryIssueSnapshot,
  StatusMapping,
} from '../domain/model';
import { issuePanelViewKey, jiraLinkIndexKey, jiraProjectQualityViewKey, statusMappingKey } from './keys';
import { batchGetValues } from './kvs-helpers';
import { withMappingDefaults } from './status-mappings';
import { kvs } from '@forge/kvs';

/** Bump when a record written by older code must not be shown: such records are rebuilt on view. */
export const ISSUE_PANEL_VIEW_SCHEMA = 1;
/** A quality view older than this is rebuilt by the next panel view (heals a lost invalidation). */
export const QUALITY_VIEW_MAX_AGE_MS = 60 * 60 * 1000;
/**
 * Past this many bytes of JSON the view keeps no snapshots (the panel then reads them itself): KVS
 * values stop at 240 KiB, and 100 links of ordinary Sentry issues take about 80 KB.
 */
export const ISSUE_PANEL_VIEW_MAX_BYTES = 200_000;

/** One linked Sentry issue as the panel shows it. */
export interface IssuePanelLinkEntry {
  sentryIssueId: string;
  connectionId: string;
  /** 'manual' or the id of the rule that created the Jira issue. */
  origin: string;
  linkedAt: string;
  /** Null until sync or a webhook has stored the Sentry issue's state. */
  snapshot: SentryIssueSnapshot | null;
}

export interface IssuePanelViewRecord {
  schema: number;
  jiraIssueId: string;
  /** By Sentry issue id. */
  links: IssuePanelLinkEntry[];
  /** The JQL summary of the same links (what refresh-issue-property writes to the issue property). */
  summary: SentryIssuePropertyValue;
  /** True when the snapshots were left out to stay inside the KVS value limit: read them by key. */
  overflow: boolean;
  builtAt: string;
}

export interface JiraProjectQualityViewRecord {
  schema: number;
  jiraProjectId: string;
  /** Failing gates first, then by project name. */
  branches: BranchQualityView[];
  builtAt: string;
}

/** The panel view of a Jira issue's links, as they are now (links with their snapshots, any order). */
export function buildIssuePanelView(
  jiraIssueId: string,
  linked: ReadonlyArray<{ link: IssueLink; snapshot: SentryIssueSnapshot | undefined }>,
  now: Date,
): IssuePanelViewRecord {
  const links = linked
    .map(({ link, snapshot }): IssuePanelLinkEntry => ({
      sentryIssueId: link.sentryIssueId,
      connectionId: link.connectionId,
      origin: link.origin,
      linkedAt: link.createdAt,
      snapshot: snapshot ?? null,
    }))
    .sort((a, b) => (a.sentryIssueId < b.sentryIssueId ? -1 : a.sentryIssueId > b.sentryIssueId ? 1 : 0));
  const summary = computeSentryIssueProperty(
    linked.flatMap(({ snapshot }) => (snapshot ? [snapshot] : [])),
    { linkedCount: linked.length },
  );
  const record: IssuePanelViewRecord = {
    schema: ISSUE_PANEL_VIEW_SCHEMA,
    jiraIssueId,
    links,
    summary,
    overflow: false,
    builtAt: now.toISOString(),
  };
  if (Buffer.byteLength(JSON.stringify(record)) <= ISSUE_PANEL_VIEW_MAX_BYTES) return record;
  return { ...record, overflow: true, links: links.map((entry) => ({ ...entry, snapshot: null })) };
}

/** Views equal but for when they were built. */
export function samePanelView(a: IssuePanelViewRecord | undefined, b: IssuePanelViewRecord): boolean {
  return a !== undefined && JSON.stringify({ ...a, builtAt: '' }) === JSON.stringify({ ...b, builtAt: '' });
}

export interface IssuePanelRead {
  view: IssuePanelViewRecord | undefined;
  /** The Sentry issue ids the Jira issue's link index names; empty when it has no index. */
  indexed: Set<string>;
  /** Undefined when no Jira project was asked for, or its record is missing. */
  quality: JiraProjectQualityViewRecord | undefined;
  /** The Jira project's saved status mapping (undefined: none saved, the defaults apply). */
  statusMapping: StatusMapping | undefined;
}

/** The panel's one round trip: its view, the Jira issue's link index and the project's quality view. */
export async function readIssuePanelRecords(
  jiraIssueId: string,
  jiraProjectId: string | null,
): Promise<IssuePanelRead> {
  const viewKey = issuePanelViewKey(jiraIssueId);
  const indexKey = jiraLinkIndexKey(jiraIssueId);
  const qualityKey = jiraProjectId === null ? null : jiraProjectQualityViewKey(jiraProjectId);
  // The status mapping rides in the same batchGet: the panel says what still blocks Done.
  const mappingKey = jiraProjectId === null ? null : statusMappingKey(jiraProjectId);
  const found = await batchGetValues<unknown>([
    viewKey,
    indexKey,
    ...(qualityKey ? [qualityKey] : []),
    ...(mappingKey ? [mappingKey] : []),
  ]);
  const savedMapping = mappingKey ? (found.get(mappingKey) as StatusMapping | undefined) : undefined;
  const index = found.get(indexKey) as { links?: Array<{ sentryIssueId: string }> } | undefined;
  return {
    view: found.get(viewKey) as IssuePanelViewRecord | undefined,
    indexed: new Set((index?.links ?? []).map((ref) => ref.sentryIssueId)),
    quality: qualityKey ? (found.get(qualityKey) as JiraProjectQualityViewRecord | undefined) : undefined,
    statusMapping: savedMapping ? withMappingDefaults(savedMapping) : undefined,
  };
}

export async function saveJiraProjectQualityView(record: JiraProjectQualityViewRecord): Promise<void> {
  await kvs.set(jiraProjectQualityViewKey(record.jiraProjectId), record);
}

/** Forgets the quality views of these Jira projects: their next panel view rebuilds them. */
export async function deleteJiraProjectQualityViews(jiraProjectIds: readonly string[]): Promise<void> {
  await Promise.all([...new Set(jiraProjectIds)].map((id) => kvs.delete(jiraProjectQualityViewKey(id))));
}
