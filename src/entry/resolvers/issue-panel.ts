// Resolver of the issue panel (function issue-panel-fn). The issue comes from context.extension only.
import Resolver from '@forge/resolver';
import { z } from 'zod';
import {
  BULK_CREATE_MAX,
  getBulkCreateProgress,
  startBulkCreate,
} from '../../services/links/bulk-create-jira-issues';
import {
  AlreadyTrackedError,
  createJiraIssueFromSentry,
  issueTypeOfJiraIssue,
  type CreateJiraIssueFromSentryInput,
} from '../../services/links/create-jira-issue-from-sentry';
import { getIssuePanel } from '../../services/issue-panel/get-issue-panel';
import { otherJiraIssuesOf } from '../../services/sentry-external-issues/jira-issues-of-sentry-issue';
import { linkSentryIssue } from '../../services/links/link-sentry-issue';
import { requireIssueCreate, requireIssueEdit } from '../../services/access/permissions';
import { unlinkSentryIssue } from '../../services/links/unlink-sentry-issue';
import { listLinksOfJiraIssue, listLinksOfSentryIssue, StorageNotFoundError } from '../../storage';
import { type InvocationContext, requireIssueId, requireProjectId } from './context';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

defineResolver(resolver, 'getIssuePanel', noPayload, (_input, context) =>
  getIssuePanel(requireIssueId(context), context.projectId),
);

// ---------------------------------------------------------------- changes (LINKS): the caller needs
// EDIT_ISSUES on the issue in context; the Jira issue and project never come from the payload.

const sentryIssueIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, 'must be a numeric Sentry issue id');
const jiraIdSchema = z.string().trim().min(1).max(100);

async function editableIssue(context: InvocationContext): Promise<string> {
  const jiraIssueId = requireIssueId(context);
  await requireIssueEdit(context.accountId, jiraIssueId);
  return jiraIssueId;
}

defineResolver(
  resolver,
  'linkSentryIssue',
  z.strictObject({ reference: z.string().trim().min(1, 'paste a Sentry issue URL or id').max(2_048) }),
  async ({ reference }, context) => {
    const jiraIssueId = await editableIssue(context);
    const result = await linkSentryIssue({
      reference,
      jiraIssueId,
      jiraProjectId: context.projectId,
      accountId: context.accountId,
    });
    return {
      created: result.created,
      sentryIssueId: result.link.sentryIssueId,
      shortId: result.snapshot.shortId,
      warnings: result.warnings,
      /** The Jira issue Sentry shows on the Sentry issue now (null: none, the warnings say why). */
      shownInSentry: result.shownInSentry,
      panel: await getIssuePanel(jiraIssueId, context.projectId),
    };
  },
);

defineResolver(
  resolver,
  'unlinkSentryIssue',
  z.strictObject({ sentryIssueId: sentryIssueIdSchema }),
  async ({ sentryIssueId }, context) => {
    const jiraIssueId = await editableIssue(context);
    const result = await unlinkSentryIssue({ sentryIssueId, jiraIssueId });
    return {
      removed: result.removed,
      warnings: result.warnings,
      panel: await getIssuePanel(jiraIssueId, context.projectId),
    };
  },
);

const createFieldsSchema = {
  /** The connection of the Sentry issue; found from its links when absent. */
  connectionId: jiraIdSchema.optional(),
  /** Default: the type of the issue the panel is open on. Jira checks it belongs to the project. */
  issueTypeId: jiraIdSchema.optional(),
  priorityId: jiraIdSchema.nullish(),
  labels: z.array(z.string().trim().min(1).max(255)).max(20).optional(),
  componentIds: z.array(jiraIdSchema).max(20).optional(),
};

/** The Sentry connection of an issue linked here (or anywhere); the payload may name it instead. */
async function connectionOf(sentryIssueId: string, jiraIssueId: string, given?: string): Promise<string> {
  if (given) return given;
  const here = (await listLinksOfJiraIssue(jiraIssueId)).find((link) => link.sentryIssueId === sentryIssueId);
  const connectionId = here?.connectionId ?? (await listLinksOfSentryIssue(sentryIssueId))[0]?.connectionId;
  if (!connectionId) {
    throw new StorageNotFoundError(
      `Sentry issue ${sentryIssueId} is not linked to any Jira issue, so its Sentry organization is unknown: ` +
        'link it first, or pass its connectionId.',
      'sentryIssueId',
    );
  }
  return connectionId;
}

async function createInputs(
  sentryIssueIds: readonly string[],
  fields: z.output<z.ZodObject<typeof createFieldsSchema>>,
  context: InvocationContext,
): Promise<CreateJiraIssueFromSentryInput[]> {
  const jiraIssueId = await editableIssue(context);
  // The new issue goes in the project of the issue the panel is open on.
  const jiraProjectId = requireProjectId(context);
  const accountId = context.accountId ?? '';
  const issueTypeId = fields.issueTypeId ?? (await issueTypeOfJiraIssue(jiraIssueId));
  return Promise.all(
    sentryIssueIds.map(async (sentryIssueId) => ({
      connectionId: await connectionOf(sentryIssueId, jiraIssueId, fields.connectionId),
      sentryIssueId,
      jiraProjectId,
      issueTypeId,
      priorityId: fields.priorityId ?? null,
      labels: fields.labels ?? [],
      componentIds: fields.componentIds ?? [],
      origin: 'manual',
      actor: { kind: 'user', accountId },
    })),
  );
}

defineResolver(
  resolver,
  'createJiraIssueFromSentry',
  z.strictObject({ sentryIssueId: sentryIssueIdSchema, ...createFieldsSchema }),
  async ({ sentryIssueId, ...fields }, context) => {
    const [input] = await createInputs([sentryIssueId], fields, context);
    if (!input) throw new Error('No Sentry issue to create a Jira issue from.');
    try {
      return { ...(await createJiraIssueFromSentry(input)), refused: null };
    } catch (error) {
      if (!(error instanceof AlreadyTrackedError)) throw error;
      // Refused, not failed: the answer names the Jira issue the Sentry issue already has, with its page.
      return {
        jiraIssueId: error.jiraIssueId,
        jiraIssueKey: error.jiraIssueKey,
        created: false,
        refused: {
          message: error.message,
          jiraIssueKey: error.jiraIssueKey,
          jiraIssueUrl: error.jiraIssueUrl,
          isThisIssue: error.jiraIssueId === requireIssueId(context),
        },
      };
    }
  },
);

// Many at once run as queued work (one invocation would outgrow Forge's limits): this validates and
// queues, and answers the progress; getBulkCreateProgress answers it again while the page polls.
defineResolver(
  resolver,
  'createJiraIssuesFromSentry',
  z.strictObject({
    sentryIssueIds: z.array(sentryIssueIdSchema).min(1).max(BULK_CREATE_MAX),
    ...createFieldsSchema,
  }),
  async ({ sentryIssueIds, ...fields }, context) => {
    const inputs = await createInputs([...new Set(sentryIssueIds)], fields, context);
    const first = inputs[0];
    if (!first) throw new Error('No Sentry issue to create a Jira issue from.');
    // The consumer creates as the app (queues carry no user), so the person's right to create is checked here.
    await requireIssueCreate(context.accountId, first.jiraProjectId);
    return startBulkCreate({
      requestedBy: context.accountId ?? '',
      jiraIssueId: requireIssueId(context),
      jiraProjectId: first.jiraProjectId,
      issueTypeId: first.issueTypeId,
      priorityId: first.priorityId ?? null,
      labels: first.labels ?? [],
      componentIds: first.componentIds ?? [],
      items: inputs.map((input) => ({
        sentryIssueId: input.sentryIssueId,
        connectionId: input.connectionId,
      })),
    });
  },
);

// The other Jira issues each linked Sentry issue belongs to (one batched read), for the "belongs to" line:
// read apart from getIssuePanel so the panel's first answer stays one round trip.
defineResolver(resolver, 'getOtherJiraIssues', noPayload, async (_input, context) => {
  const jiraIssueId = requireIssueId(context);
  const links = await listLinksOfJiraIssue(jiraIssueId);
  return otherJiraIssuesOf(
    jiraIssueId,
    links.map((link) => link.sentryIssueId),
  );
});

defineResolver(
  resolver,
  'getBulkCreateProgress',
  z.strictObject({ jobId: z.string().trim().min(1).max(100) }),
  async ({ jobId }, context) => getBulkCreateProgress(jobId, { jiraIssueId: requireIssueId(context) }),
);

export const issuePanelResolverDefinitions = resolver.getDefinitions();
