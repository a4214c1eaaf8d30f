// Resolver of the project page (function project-page-fn), one definition per subpage.
// The Jira project comes from context.extension only, and every read needs the caller to be able to
// browse it (BROWSE_PROJECTS): the reads run as the app, which sees every project.
import Resolver from '@forge/resolver';
import { z } from 'zod';
import { BULK_CREATE_MAX, getBulkCreateProgress } from '../../services/links/bulk-create-jira-issues';
import { getProjectProducts } from '../../services/settings/get-project-products';
import { getProjectQuality } from '../../services/project-page/get-project-quality';
import { getProjectHealthTrends } from '../../services/health/get-project-health-trends';
import { getProjectOverview } from '../../services/health/get-project-overview';
import { requireProjectBrowse } from '../../services/access/permissions';
import { getProjectBackfill, startProjectBackfill } from '../../services/sentry-impact/backfill-from-project';
import {
  getProjectBulkCreateOptions,
  startProjectBulkCreate,
} from '../../services/sentry-impact/bulk-create-from-project';
import { getSentryImpactPage } from '../../services/sentry-impact/sentry-impact-page';
import { type InvocationContext, requireProjectId } from './context';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

async function browsableProject(context: InvocationContext): Promise<string> {
  const projectId = requireProjectId(context);
  await requireProjectBrowse(context.accountId, projectId);
  return projectId;
}

defineResolver(resolver, 'getOverview', noPayload, async (_input, context) =>
  getProjectOverview(await browsableProject(context)),
);
defineResolver(resolver, 'getProducts', noPayload, async (_input, context) =>
  getProjectProducts(await browsableProject(context)),
);
/**
 * Which page of each Sentry project to show: pages 1 and 2 are the busiest, page 3 and later the others in
 * issue id order, each read with the cursor the previous page answered (`next` of its page).
 */
const sentryImpactPagesSchema = z.strictObject({
  pages: z
    .array(
      z
        .strictObject({
          connectionId: z.string().trim().min(1).max(200),
          projectId: z.string().trim().min(1).max(200),
          page: z.number().int().min(1, 'pages start at 1').max(100_000),
          // KVS cursors are opaque; a cursor KVS refuses is answered as invalid input too.
          cursor: z.string().min(1).max(2_000).nullable().default(null),
        })
        .refine((request) => request.page <= 3 || request.cursor !== null, {
          message: 'page 4 and later need the cursor the previous page answered (its next.cursor)',
          path: ['cursor'],
        })
        .refine((request) => request.page >= 3 || request.cursor === null, {
          message: 'pages 1 and 2 take no cursor: they are the busiest issues, read from one record',
          path: ['cursor'],
        }),
    )
    .max(100, 'at most 100 Sentry projects per request')
    .refine(
      (pages) =>
        new Set(pages.map((request) => `${request.connectionId}\u0000${request.projectId}`)).size ===
        pages.length,
      'each Sentry project at most once',
    )
    .default([]),
});

/** The unresolved Sentry issues with their linked Jira issues, what the caller may do, and (admins) backfills. */
defineResolver(resolver, 'getSentryImpact', sentryImpactPagesSchema, async ({ pages }, context) =>
  getSentryImpactPage(await browsableProject(context), context.accountId, { pages }),
);
defineResolver(resolver, 'getCodeQuality', noPayload, async (_input, context) =>
  getProjectQuality(await browsableProject(context)),
);
defineResolver(resolver, 'getTrends', noPayload, async (_input, context) =>
  getProjectHealthTrends(await browsableProject(context)),
);

// ---------------------------------------------------------------- Sentry impact: bulk create and backfill.
// The Jira project is the one in context.extension; each action checks the caller's Jira permission first:
// CREATE_ISSUES in the project to create, project admin (or Jira admin) to backfill and read backfills.

const idSchema = z.string().trim().min(1).max(200);
const sentryIssueIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, 'must be a numeric Sentry issue id');
const sentryProjectSchema = z.strictObject({ connectionId: idSchema, projectId: idSchema });

/** Issue types and priorities the app may create in this project (CREATE_ISSUES needed). */
defineResolver(resolver, 'getBulkCreateOptions', noPayload, (_input, context) =>
  getProjectBulkCreateOptions(requireProjectId(context), context.accountId),
);

// Many at once run as queued work: this checks and queues, and answers the progress; the page then polls
// getBulkCreateProgress until every item is done or failed.
defineResolver(
  resolver,
  'createJiraIssuesFromSentry',
  z.strictObject({
    items: z
      .array(z.strictObject({ connectionId: idSchema, sentryIssueId: sentryIssueIdSchema }))
      .min(1, 'choose at least one Sentry issue')
      .max(BULK_CREATE_MAX, `at most ${BULK_CREATE_MAX} Sentry issues per request; split the selection`),
    issueTypeId: idSchema,
    priorityId: idSchema.nullable().default(null),
  }),
  ({ items, issueTypeId, priorityId }, context) =>
    startProjectBulkCreate({
      jiraProjectId: requireProjectId(context),
      accountId: context.accountId,
      items,
      issueTypeId,
      priorityId,
    }),
);

/** A job started from this project's page; jobs of other projects or of issue panels are not found. */
defineResolver(
  resolver,
  'getBulkCreateProgress',
  z.strictObject({ jobId: z.string().trim().min(1).max(100) }),
  async ({ jobId }, context) =>
    getBulkCreateProgress(jobId, { jiraProjectId: await browsableProject(context) }),
);

defineResolver(resolver, 'backfillSentryProject', sentryProjectSchema, (target, context) =>
  startProjectBackfill(requireProjectId(context), context.accountId, target),
);

defineResolver(resolver, 'getBackfillProgress', sentryProjectSchema, (target, context) =>
  getProjectBackfill(requireProjectId(context), context.accountId, target),
);

export const projectPageResolverDefinitions = resolver.getDefinitions();
