/**
 * Bulk creation of Jira issues from the project page's Sentry issues: checks the person and the request,
 * then hands the items to the queued bulk create (bulk-create-jira-issues.ts), which creates them as the
 * app and records each item's outcome for the page to poll.
 *
 * Nothing the page sends is taken on trust: the Jira project comes from the context; each Sentry issue
 * must be stored as an issue of a Sentry project mapped to that Jira project and not be linked to a Jira
 * issue yet; the issue type and priority must be ones Jira lets the app create in the project. Any
 * failed check refuses the whole request, with nothing queued.
 */
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import type { BulkCreateProgress } from '../../domain/bulk-create';
import type { BulkCreateOptionsView, BulkCreateRequestItem } from '../../domain/sentry-impact-views';
import {
  getSentrySnapshots,
  listLinksOfSentryIssue,
  sentryIssuesWithLinks,
  StorageConflictError,
  StorageValidationError,
} from '../../storage';
import { BULK_CREATE_MAX, startBulkCreate, type BulkCreateOptions } from '../links/bulk-create-jira-issues';
import { InvalidCreateRequestError } from '../links/create-jira-issue-from-sentry';
import { getMappedProducts } from '../settings/get-project-products';
import { requireIssueCreate, type PermissionClientFactory } from '../access/permissions';
import { getRuleOptions, ruleActionProblems, type RuleOptionsReader } from '../rules/rule-options';

type ActionChecker = Pick<JiraClient, 'getCreatableIssueTypes' | 'getCreateFields'>;

export interface ProjectBulkCreateInput {
  jiraProjectId: string;
  accountId: string | null;
  items: BulkCreateRequestItem[];
  issueTypeId: string;
  priorityId: string | null;
}

export interface ProjectBulkCreateOptions extends BulkCreateOptions {
  /** Reads what the app may create in the project; as the app by default (the queue creates as the app). */
  jira?: () => ActionChecker;
  permissions?: PermissionClientFactory;
}

/** The issue types (with their priorities) the page offers; only for people who may create issues. */
export async function getProjectBulkCreateOptions(
  jiraProjectId: string,
  accountId: string | null,
  options: { jira?: () => RuleOptionsReader; permissions?: PermissionClientFactory } = {},
): Promise<BulkCreateOptionsView> {
  await requireIssueCreate(accountId, jiraProjectId, options.permissions);
  const ruleOptions = await getRuleOptions(jiraProjectId, options.jira?.() ?? jiraAsApp());
  return {
    issueTypes: ruleOptions.issueTypes.map(({ id, name, priorities, blockingFields }) => ({
      id,
      name,
      priorities,
      blockingFields,
    })),
    problem: ruleOptions.problem,
    maxPerRequest: BULK_CREATE_MAX,
  };
}

const refKey = (connectionId: string, projectId: string) => `${connectionId}\u0000${projectId}`;

/** Refuses Sentry issues that are not stored issues of this Jira project's mapped Sentry projects. */
async function requireIssuesOfProject(
  jiraProjectId: string,
  items: readonly BulkCreateRequestItem[],
): Promise<Map<string, string>> {
  const products = await getMappedProducts(jiraProjectId);
  const mapped = new Set(
    products.flatMap((product) =>
      product.sentryProjects.map((ref) => refKey(ref.connectionId, ref.projectId)),
    ),
  );
  const snapshots = await getSentrySnapshots(
    items.map((item) => ({ connectionId: item.connectionId, issueId: item.sentryIssueId })),
  );
  const foreign: string[] = [];
  const shortIds = new Map<string, string>();
  items.forEach((item, index) => {
    const snapshot = snapshots[index];
    if (!snapshot || !mapped.has(refKey(snapshot.connectionId, snapshot.projectId))) {
      foreign.push(item.sentryIssueId);
    } else {
      shortIds.set(item.sentryIssueId, snapshot.shortId);
    }
  });
  if (foreign.length > 0) {
    throw new InvalidCreateRequestError(
      `Sentry issue ${foreign.join(', ')} is not an issue of a Sentry project mapped to this Jira project ` +
        '(or its mapping changed): reload the page and choose again. Nothing was created.',
    );
  }
  return shortIds;
}

/** Refuses Sentry issues that are already linked to a Jira issue (a second issue would duplicate it). */
async function requireUnlinked(shortIds: ReadonlyMap<string, string>): Promise<void> {
  const marked = await sentryIssuesWithLinks([...shortIds.keys()]);
  const linked: string[] = [];
  for (const sentryIssueId of marked) {
    if ((await listLinksOfSentryIssue(sentryIssueId)).length > 0) {
      linked.push(shortIds.get(sentryIssueId) ?? sentryIssueId);
    }
  }
  if (linked.length > 0) {
    throw new StorageConflictError(
      `${linked.join(', ')} ${linked.length === 1 ? 'is' : 'are'} already linked to a Jira issue: ` +
        'reload the page to see the Jira issue, and leave them out. Nothing was created.',
      'sentryIssueIds',
    );
  }
}

/** Field names as the page's form has them, from ruleActionProblems' 'action.*' paths. */
function formFields(problems: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(problems).map(([path, reason]) => [path.replace(/^action\./, ''), reason]),
  );
}

export async function startProjectBulkCreate(
  input: ProjectBulkCreateInput,
  options: ProjectBulkCreateOptions = {},
): Promise<BulkCreateProgress> {
  // The queue creates as the app (queues carry no user), so the person's right to create is checked here.
  await requireIssueCreate(input.accountId, input.jiraProjectId, options.permissions);
  const seen = new Set<string>();
  const items = input.items.filter(
    (item) => !seen.has(item.sentryIssueId) && Boolean(seen.add(item.sentryIssueId)),
  );
  if (items.length === 0) throw new InvalidCreateRequestError('Choose at least one Sentry issue.');
  if (items.length > BULK_CREATE_MAX) {
    throw new InvalidCreateRequestError(
      `At most ${BULK_CREATE_MAX} Sentry issues per bulk create; got ${items.length}. Split the selection.`,
    );
  }

  const problems = formFields(
    await ruleActionProblems(
      input.jiraProjectId,
      { issueTypeId: input.issueTypeId, priorityId: input.priorityId, labels: [], componentIds: [] },
      options.jira?.() ?? jiraAsApp(),
    ),
  );
  const first = Object.entries(problems)[0];
  if (first) {
    throw new StorageValidationError(`Cannot create these issues: ${first[1]}.`, first[0], problems);
  }

  const shortIds = await requireIssuesOfProject(input.jiraProjectId, items);
  await requireUnlinked(shortIds);

  return startBulkCreate(
    {
      requestedBy: input.accountId ?? '',
      jiraIssueId: null,
      jiraProjectId: input.jiraProjectId,
      issueTypeId: input.issueTypeId,
      priorityId: input.priorityId,
      labels: [],
      componentIds: [],
      items: items.map(({ sentryIssueId, connectionId }) => ({ sentryIssueId, connectionId })),
    },
    options,
  );
}
