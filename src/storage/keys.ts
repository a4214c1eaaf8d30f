/**
 * Every KVS key the app uses is built here, and only here.
 *
 * A key is `namespace:component:component...`. Components are ids that come from outside
 * (Sentry, SonarCloud, Jira, people), so each one is encoded: characters other than
 * letters, digits, '.', '_' and '-' become `#XX` (the UTF-8 bytes in upper-case hex).
 * That keeps keys inside the KVS alphabet, keeps ':' free as the separator (so a prefix
 * query for `link:sentry:12:` never matches issue 123), and can be decoded back exactly.
 * Every key is checked against the KVS rules before it is returned, so a bad id fails
 * with a clear error before anything is written.
 */
import { StorageValidationError } from './errors';

/** The KVS key rules (FORGE-FACTS: at most 500 characters, this alphabet). */
export const KVS_KEY_MAX_LENGTH = 500;
export const KVS_KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/;

const SEPARATOR = ':';
const RAW_CHARACTER = /[A-Za-z0-9._-]/;
const ESCAPE_SEQUENCE = /^#[0-9A-F]{2}/;
const ENCODED_COMPONENT = /^(?:[A-Za-z0-9._-]|#[0-9A-F]{2})+$/;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** A key component with the words that name it in error messages ('product id', 'branch'). */
type Component = readonly [label: string, value: string];

function describe(value: string): string {
  return value.length > 60 ? `"${value.slice(0, 60)}…" (${value.length} characters)` : `"${value}"`;
}

/** Encodes one id so it can sit between separators; reversible with decodeKeyComponent. */
export function encodeKeyComponent(value: string, label = 'id'): string {
  if (typeof value !== 'string') {
    throw new StorageValidationError(`The ${label} must be a string, got ${typeof value}.`, label);
  }
  if (value.length === 0) {
    throw new StorageValidationError(`The ${label} is empty: give a non-empty ${label}.`, label);
  }
  let encoded = '';
  for (const character of value) {
    if (RAW_CHARACTER.test(character)) {
      encoded += character;
    } else {
      for (const byte of utf8Encoder.encode(character)) {
        encoded += '#' + byte.toString(16).toUpperCase().padStart(2, '0');
      }
    }
  }
  return encoded;
}

/** The id that encodeKeyComponent turned into `encoded`. */
export function decodeKeyComponent(encoded: string): string {
  if (!ENCODED_COMPONENT.test(encoded)) {
    throw new StorageValidationError(`"${encoded}" is not an encoded key component.`);
  }
  const bytes: number[] = [];
  for (let index = 0; index < encoded.length;) {
    if (encoded[index] === '#' && ESCAPE_SEQUENCE.test(encoded.slice(index, index + 3))) {
      bytes.push(parseInt(encoded.slice(index + 1, index + 3), 16));
      index += 3;
    } else {
      bytes.push(encoded.charCodeAt(index));
      index += 1;
    }
  }
  try {
    return utf8Decoder.decode(new Uint8Array(bytes));
  } catch {
    throw new StorageValidationError(`"${encoded}" does not decode to valid UTF-8.`);
  }
}

/** Throws unless `key` is a key KVS accepts. */
export function assertValidKey(key: string): string {
  if (key.length > KVS_KEY_MAX_LENGTH) {
    throw new StorageValidationError(
      `The storage key ${describe(key)} is ${key.length} characters long; KVS allows ${KVS_KEY_MAX_LENGTH}. Use shorter ids.`,
    );
  }
  if (!KVS_KEY_PATTERN.test(key)) {
    throw new StorageValidationError(
      `The storage key ${describe(key)} has characters KVS does not accept (allowed: letters, digits, ':', '.', '_', '-', '#', spaces).`,
    );
  }
  return key;
}

function join(namespace: string, components: readonly Component[], trailingSeparator: boolean): string {
  const encoded = components.map(([label, value]) => encodeKeyComponent(value, label));
  const key = [namespace, ...encoded].join(SEPARATOR) + (trailingSeparator ? SEPARATOR : '');
  if (key.length > KVS_KEY_MAX_LENGTH) {
    // Name the component that takes the most room: that is the id to shorten.
    let longest = 0;
    encoded.forEach((part, index) => {
      if (part.length > (encoded[longest]?.length ?? 0)) longest = index;
    });
    const [label, value] = components[longest] ?? ['id', ''];
    throw new StorageValidationError(
      `The ${label} ${describe(value)} makes the storage key ${key.length} characters long; KVS allows ${KVS_KEY_MAX_LENGTH}. ` +
        `Use a shorter ${label}.`,
      label,
    );
  }
  return assertValidKey(key);
}

function buildKey(namespace: string, ...components: Component[]): string {
  return join(namespace, components, false);
}

/** A prefix for a beginsWith query; it ends with the separator so ids never match by their start. */
function buildPrefix(namespace: string, ...components: Component[]): string {
  return join(namespace, components, true);
}

/** The decoded id that follows `prefix` in `key` (the last component of keys listed under it). */
export function idAfterPrefix(key: string, prefix: string): string {
  if (!key.startsWith(prefix)) {
    throw new StorageValidationError(`The key "${key}" does not start with "${prefix}".`);
  }
  return decodeKeyComponent(key.slice(prefix.length));
}

// ---------------------------------------------------------------- connections
export const connectionKey = (connectionId: string): string =>
  buildKey('conn', ['connection id', connectionId]);
export const connectionPrefix = (): string => 'conn:';
/** Stored with kvs.setSecret, so it never shows up in a query. */
export const connectionSecretKey = (connectionId: string): string =>
  buildKey('secret:conn', ['connection id', connectionId]);

/**
 * The prefixes under which data of one connection is filed, each named for what it holds: what
 * removing the connection removes with it (the product mappings and links that name it are records of
 * their own, found by their content).
 */
export const connectionDataPrefixes = (connectionId: string) => {
  const id: Component = ['connection id', connectionId];
  return {
    sentrySnapshots: buildPrefix('snap:sentry', id),
    sentryProjectSnapshots: buildPrefix('snap:sentry-project', id),
    sonarSnapshots: buildPrefix('snap:sonar', id),
    sentryHistory: buildPrefix('hist:sentry-project', id),
    sonarHistory: buildPrefix('hist:sonar-project', id),
    sentrySyncState: buildPrefix('syncstate:sentry', id),
    sentryBackfills: buildPrefix('backfill:sentry', id),
    sonarSyncState: buildPrefix('syncstate:sonarcloud', id),
    sentryMappingIndex: buildPrefix('mapidx:sentry', id),
    sonarMappingIndex: buildPrefix('mapidx:sonar', id),
    sentryHealthTallies: buildPrefix('health:sentry', id),
    jiraWorkTallies: buildPrefix('health:jira', id),
    sentryTopIssues: buildPrefix('top:sentry-project', id),
    sentryReactionStates: buildPrefix('reaction:sentry-issue', id),
    sonarReactionStates: buildPrefix('reaction:sonar-project', id),
    sentryExternalIssues: buildPrefix('extissue:sentry', id),
  } as const;
};

// ---------------------------------------------------------------- products
export const productKey = (productId: string): string => buildKey('product', ['product id', productId]);
export const productPrefix = (): string => 'product:';

// ---------------------------------------------------------------- mappings and their reverse indexes
export const mappingKey = (productId: string): string => buildKey('mapping', ['product id', productId]);
export const mappingPrefix = (): string => 'mapping:';
/** One key per (Jira project, product): a Jira project may belong to several products. */
export const jiraProjectIndexKey = (jiraProjectId: string, productId: string): string =>
  buildKey('mapidx:jira', ['Jira project id', jiraProjectId], ['product id', productId]);
export const jiraProjectIndexPrefix = (jiraProjectId: string): string =>
  buildPrefix('mapidx:jira', ['Jira project id', jiraProjectId]);
/** One key per Sentry project: it belongs to at most one product. */
export const sentryProjectIndexKey = (connectionId: string, sentryProjectId: string): string =>
  buildKey('mapidx:sentry', ['connection id', connectionId], ['Sentry project id', sentryProjectId]);
/** One key per SonarCloud project and branch: it belongs to at most one product. */
export const sonarProjectIndexKey = (connectionId: string, projectKey: string, branch: string): string =>
  buildKey(
    'mapidx:sonar',
    ['connection id', connectionId],
    ['SonarCloud project key', projectKey],
    ['branch', branch],
  );
/** Every index entry of one kind: whether any Jira project, Sentry project or SonarCloud branch is mapped. */
export const mappingIndexPrefix = (kind: 'jira' | 'sentry' | 'sonar'): string => `mapidx:${kind}:`;

// ---------------------------------------------------------------- links (both directions)
export const sentryLinkKey = (sentryIssueId: string, jiraIssueId: string): string =>
  buildKey('link:sentry', ['Sentry issue id', sentryIssueId], ['Jira issue id', jiraIssueId]);
/** Every Sentry-side link record of the installation. */
export const allSentryLinksPrefix = (): string => 'link:sentry:';
export const sentryLinkPrefix = (sentryIssueId: string): string =>
  buildPrefix('link:sentry', ['Sentry issue id', sentryIssueId]);
export const jiraLinkKey = (jiraIssueId: string, sentryIssueId: string): string =>
  buildKey('link:jira', ['Jira issue id', jiraIssueId], ['Sentry issue id', sentryIssueId]);
export const jiraLinkPrefix = (jiraIssueId: string): string =>
  buildPrefix('link:jira', ['Jira issue id', jiraIssueId]);
/**
 * Present once a Sentry issue has been linked (kept after unlinking: a stale marker costs one query,
 * a missing one would hide a link), so a batch reads which issues may have links in one batchGet.
 */
export const sentryLinkedMarkerKey = (sentryIssueId: string): string =>
  buildKey('linked:sentry', ['Sentry issue id', sentryIssueId]);
/**
 * The Sentry issues linked to one Jira issue, in one record read with get (strictly consistent), so
 * what is shown right after a link or unlink does not depend on a prefix query catching up.
 */
export const jiraLinkIndexKey = (jiraIssueId: string): string =>
  buildKey('linkidx:jira', ['Jira issue id', jiraIssueId]);

/**
 * What the last reaction to one Sentry issue or SonarCloud branch saw (services/reactions): reactions run
 * once per change and in order per subject. `ids`: connection id, then issue id (or project key, branch).
 */
export const reactionStateKey = (kind: 'sentry-issue' | 'sonar-project', ...ids: string[]): string =>
  buildKey(
    `reaction:${kind}`,
    ...ids.map((id, index): Component => [`reaction subject id #${index + 1}`, id]),
  );

/** The external issue the app put on a Sentry issue (the Jira issue Sentry shows), to update or delete it. */
export const sentryExternalIssueKey = (connectionId: string, sentryIssueId: string): string =>
  buildKey('extissue:sentry', ['connection id', connectionId], ['Sentry issue id', sentryIssueId]);

/** The Jira issues (id, key, page) one Sentry issue is linked to, for the panel's "belongs to" line. */
export const sentryJiraIssuesKey = (sentryIssueId: string): string =>
  buildKey('jiraof:sentry', ['Sentry issue id', sentryIssueId]);

// ---------------------------------------------------------------- read models (views kept current on write)
/** What the issue panel shows of one Jira issue's links, read with get in the panel's one round trip. */
export const issuePanelViewKey = (jiraIssueId: string): string =>
  buildKey('panelview:jira', ['Jira issue id', jiraIssueId]);
/** The quality section the issue panel shows for every issue of one Jira project. */
export const jiraProjectQualityViewKey = (jiraProjectId: string): string =>
  buildKey('panelquality:jira-project', ['Jira project id', jiraProjectId]);
/** A Sentry project's unresolved issues that hurt most (bounded), kept current on every snapshot write. */
export const sentryTopIssuesKey = (connectionId: string, projectId: string): string =>
  buildKey('top:sentry-project', ['connection id', connectionId], ['Sentry project id', projectId]);

// ---------------------------------------------------------------- snapshots
export const sentrySnapshotKey = (connectionId: string, issueId: string): string =>
  buildKey('snap:sentry', ['connection id', connectionId], ['Sentry issue id', issueId]);
/** A copy of the snapshot filed under its project, so a project's issues are one prefix query. */
export const sentryProjectSnapshotKey = (connectionId: string, projectId: string, issueId: string): string =>
  buildKey(
    'snap:sentry-project',
    ['connection id', connectionId],
    ['Sentry project id', projectId],
    ['Sentry issue id', issueId],
  );
export const sentryProjectSnapshotPrefix = (connectionId: string, projectId: string): string =>
  buildPrefix('snap:sentry-project', ['connection id', connectionId], ['Sentry project id', projectId]);
export const sonarSnapshotKey = (connectionId: string, projectKey: string, branch: string): string =>
  buildKey(
    'snap:sonar',
    ['connection id', connectionId],
    ['SonarCloud project key', projectKey],
    ['branch', branch],
  );
export const sonarSnapshotPrefix = (connectionId: string): string =>
  buildPrefix('snap:sonar', ['connection id', connectionId]);

// ---------------------------------------------------------------- daily history
/** Which trend a history point belongs to. */
export type HistorySeries =
  | { kind: 'product'; productId: string }
  | { kind: 'product-health'; productId: string }
  | { kind: 'sentry-project'; connectionId: string; projectId: string }
  | { kind: 'sonar-project'; connectionId: string; projectKey: string; branch: string };

const HISTORY_DATE = /^\d{4}-\d{2}-\d{2}$/;

function seriesComponents(series: HistorySeries): Component[] {
  switch (series.kind) {
    case 'product':
    case 'product-health':
      return [['product id', series.productId]];
    case 'sentry-project':
      return [
        ['connection id', series.connectionId],
        ['Sentry project id', series.projectId],
      ];
    case 'sonar-project':
      return [
        ['connection id', series.connectionId],
        ['SonarCloud project key', series.projectKey],
        ['branch', series.branch],
      ];
  }
}

/** Throws unless `date` is a real calendar day written YYYY-MM-DD. */
export function assertHistoryDate(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (
    !HISTORY_DATE.test(date) ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== date
  ) {
    throw new StorageValidationError(`The history date "${date}" is not a day written YYYY-MM-DD.`, 'date');
  }
  return date;
}

export const historyKey = (series: HistorySeries, date: string): string =>
  buildKey(`hist:${series.kind}`, ...seriesComponents(series), ['date', assertHistoryDate(date)]);
export const historyPrefix = (series: HistorySeries): string =>
  buildPrefix(`hist:${series.kind}`, ...seriesComponents(series));

// ---------------------------------------------------------------- product health
/** What a Sentry project's unresolved issues add up to, kept current on every snapshot write. */
export const sentryHealthTallyKey = (connectionId: string, projectId: string): string =>
  buildKey('health:sentry', ['connection id', connectionId], ['Sentry project id', projectId]);
/** The Jira work linked to a Sentry project's issues: open, done, created automatically. */
export const jiraWorkTallyKey = (connectionId: string, sentryProjectId: string): string =>
  buildKey('health:jira', ['connection id', connectionId], ['Sentry project id', sentryProjectId]);
/** A product's health as the last health pass computed it. */
export const productHealthKey = (productId: string): string =>
  buildKey('health:product', ['product id', productId]);
export const productHealthPrefix = (): string => 'health:product:';
/** What the issue context shows of a Jira project (grade, quality gate), kept by the health pass. */
export const jiraProjectContextKey = (jiraProjectId: string): string =>
  buildKey('health:jira-project', ['Jira project id', jiraProjectId]);
export const jiraProjectContextPrefix = (): string => 'health:jira-project:';
/** The weights of the health parts a Jira admin chose. */
export const healthWeightsKey = (): string => 'setting:health-weights';

// ---------------------------------------------------------------- sync state and log
export type SyncSource = 'sentry' | 'sonarcloud';

export const syncStateKey = (source: SyncSource, connectionId: string, projectId: string): string =>
  buildKey(`syncstate:${source}`, ['connection id', connectionId], ['project id', projectId]);
export const syncStatePrefix = (source: SyncSource, connectionId?: string): string =>
  connectionId === undefined
    ? `syncstate:${source}:`
    : buildPrefix(`syncstate:${source}`, ['connection id', connectionId]);

/** Until when the last scheduled run's shares are still being pushed (a later run waits for them). */
export const syncRunPacingKey = (): string => 'syncrun:pacing';

/** The latest full backfill of a Sentry project: its progress as the request and each part recorded it. */
export const sentryBackfillKey = (connectionId: string, sentryProjectId: string): string =>
  buildKey('backfill:sentry', ['connection id', connectionId], ['Sentry project id', sentryProjectId]);

/** Times up to this many milliseconds (year 2286) fit the 13-digit reversed timestamp. */
const REVERSE_TIME_BASE = 9_999_999_999_999;

/** Digits that sort newest first: later times give smaller numbers. */
export function reverseTimestamp(at: string): string {
  const millis = Date.parse(at);
  if (Number.isNaN(millis) || millis < 0 || millis > REVERSE_TIME_BASE) {
    throw new StorageValidationError(`The time "${at}" is not an ISO-8601 time between 1970 and 2286.`, 'at');
  }
  return String(REVERSE_TIME_BASE - millis).padStart(13, '0');
}

/** `synclog:<reversed time>:<id>`: a prefix query lists the newest entries first. */
export const syncLogKey = (at: string, entryId: string): string =>
  buildKey(`synclog:${reverseTimestamp(at)}`, ['sync log entry id', entryId]);
export const syncLogPrefix = (): string => 'synclog:';

/** `deferred-push:<time>:<id>`: queue pushes Forge refused for a limit, oldest first. */
export const deferredPushKey = (at: string, entryId: string): string => {
  const millis = Date.parse(at);
  if (Number.isNaN(millis) || millis < 0 || millis > REVERSE_TIME_BASE) {
    throw new StorageValidationError(`The time "${at}" is not an ISO-8601 time between 1970 and 2286.`, 'at');
  }
  return buildKey(`deferred-push:${String(millis).padStart(13, '0')}`, ['deferred push id', entryId]);
};
export const deferredPushPrefix = (): string => 'deferred-push:';

// ---------------------------------------------------------------- settings
export const statusMappingKey = (jiraProjectId: string): string =>
  buildKey('statusmap', ['Jira project id', jiraProjectId]);
export const statusMappingPrefix = (): string => 'statusmap:';
/** Per Jira project: comments to Sentry and the priority of created issues. */
export const issueSyncSettingsKey = (jiraProjectId: string): string =>
  buildKey('issuesync', ['Jira project id', jiraProjectId]);
export const ruleKey = (ruleId: string): string => buildKey('rule', ['rule id', ruleId]);
export const rulePrefix = (): string => 'rule:';
/** How widely linking from a Jira issue searches Sentry (one record per installation). */
export const linkSearchSettingsKey = (): string => buildKey('settings', ['setting name', 'link-search']);

// ---------------------------------------------------------------- setup progress (the Get started checklist)
/** When a setup milestone (a verified webhook delivery, a completed sync) first happened, per connection. */
export const setupMilestoneKey = (milestone: string): string =>
  buildKey('setup', ['setup milestone', milestone]);

// ---------------------------------------------------------------- Jira issue properties the app wrote
/** The last `productHealthSentry` value written to a Jira issue, so unchanged values cost no Jira call. */
export const writtenIssuePropertyKey = (jiraIssueId: string): string =>
  buildKey('issueprop', ['Jira issue id', jiraIssueId]);

// ---------------------------------------------------------------- bulk creation of Jira issues from Sentry
/** A bulk create request: what to create, for whom; its items' progress is kept under separate keys. */
export const bulkCreateJobKey = (jobId: string): string => buildKey('bulkjob', ['bulk job id', jobId]);
/** One item's outcome, written only by the consumer that handles it (no shared record to race on). */
export const bulkCreateItemKey = (jobId: string, sentryIssueId: string): string =>
  buildKey('bulkjob-item', ['bulk job id', jobId], ['Sentry issue id', sentryIssueId]);

// ---------------------------------------------------------------- exactly-once claims
const CLAIM_PURPOSE = /^[a-z][a-z0-9-]{0,40}$/;

/**
 * The key that claimOnce writes for one action on some items, e.g.
 * `claimKey('rule-create-issue', ruleId, sentryIssueId)`.
 */
export function claimKey(purpose: string, ...ids: string[]): string {
  if (!CLAIM_PURPOSE.test(purpose)) {
    throw new StorageValidationError(
      `The claim purpose "${purpose}" must be lower-case words joined by '-', like 'rule-create-issue'.`,
      'purpose',
    );
  }
  if (ids.length === 0) {
    throw new StorageValidationError(`A claim for "${purpose}" needs at least one id to say what it claims.`);
  }
  return buildKey(`claim:${purpose}`, ...ids.map((id, index): Component => [`claim id #${index + 1}`, id]));
}
export const claimPrefix = (): string => 'claim:';
/** The prefix of the claims `claimKey(purpose, ...ids, ...)` builds, e.g. one connection's claims. */
export function claimPrefixOf(purpose: string, ...ids: string[]): string {
  if (!CLAIM_PURPOSE.test(purpose)) {
    throw new StorageValidationError(`The claim purpose "${purpose}" is not lower-case words joined by '-'.`);
  }
  return buildPrefix(
    `claim:${purpose}`,
    ...ids.map((id, index): Component => [`claim id #${index + 1}`, id]),
  );
}

/**
 * Taking over a lapsed claim: of everyone who finds the claim that `holder` took lapsed, the one who
 * creates this key (with FAIL_IF_EXISTS) wins. Kept apart from `claim:` so it never reads as a claim.
 */
export function claimTakeoverKey(claim: string, holder: string): string {
  if (!claim.startsWith(claimPrefix())) {
    throw new StorageValidationError(
      `"${claim}" is not a claim key: build it with claimKey(purpose, ...ids).`,
    );
  }
  const rest = claim.slice(claimPrefix().length);
  return assertValidKey(`claimnext:${rest}${SEPARATOR}${encodeKeyComponent(holder, 'claim holder')}`);
}
