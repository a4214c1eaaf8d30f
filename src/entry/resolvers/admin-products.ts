// Resolvers of the global settings page for products, their mappings and bulk assignment (function
// admin-fn, defined on the admin resolver). Jira admins only: every one, reads included, checks
// ADMINISTER first.
import type Resolver from '@forge/resolver';
import { z } from 'zod';
import type { Product } from '../../domain/model';
import type {
  AssignmentsView,
  BulkChangeResult,
  JiraProjectPageView,
  ProductDeletionPreview,
  ProductDeletionResult,
  ProductMappingView,
  SentryProjectPageView,
  SonarBranchOption,
  SonarProjectDetails,
  SonarProjectPageView,
} from '../../domain/product-views';
import {
  PRIORITIES,
  PRODUCT_DESCRIPTION_MAX,
  PRODUCT_NAME_MAX,
  PRODUCT_TEAM_MAX,
} from '../../domain/products';
import type { ProductTreeView } from '../../domain/views';
import { getProductTree } from '../../services/settings/get-product-tree';
import { requireGlobalAdmin } from '../../services/access/permissions';
import { BULK_BATCH_MAX, changeAssignments, getAssignments } from '../../services/settings/bulk-assignment';
import {
  deleteProductMovingChildrenUp,
  previewProductDeletion,
} from '../../services/settings/product-deletion';
import { createProductFromDraft, updateProductFromDraft } from '../../services/settings/product-editor';
import {
  getProductMappingView,
  mapProjectToProduct,
  unmapProjectFromProduct,
} from '../../services/settings/product-mapping-editor';
import {
  getSonarProjectDetails,
  listSentryProjects,
  listSonarBranches,
  listSonarProjects,
  searchJiraProjects,
  SONAR_DETAILS_MAX,
} from '../../services/settings/remote-project-lists';
import { defineResolver, noPayload } from './define';

const id = z.string().min(1).max(200);
const key = z.string().min(1).max(400);
/** Texts are bounded here only against abuse; the product rules (src/domain/products.ts) say what is too long. */
const text = (max: number) => z.string().max(max * 4);

const draftSchema = z.strictObject({
  name: text(PRODUCT_NAME_MAX),
  description: text(PRODUCT_DESCRIPTION_MAX).nullable().default(null),
  parentId: id.nullable().default(null),
  priority: z.enum(PRIORITIES as ['critical', 'high', 'medium', 'low']).default('medium'),
  owningTeam: text(PRODUCT_TEAM_MAX).nullable().default(null),
});

const targetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('jira'),
    jiraProjectId: z.string().regex(/^\d{1,18}$/, 'a Jira project id'),
  }),
  z.strictObject({ kind: z.literal('sentry'), connectionId: id, projectId: id, projectSlug: id }),
  z.strictObject({ kind: z.literal('sonarcloud'), connectionId: id, projectKey: key, branch: key }),
]);

const bulkItemSchema = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('sentry'),
    connectionId: id,
    projectId: id,
    projectSlug: id,
    expectedProductId: id.nullable(),
  }),
  z.strictObject({
    source: z.literal('sonarcloud'),
    connectionId: id,
    projectKey: key,
    branch: key,
    expectedProductId: id.nullable(),
  }),
]);

/** Adds the product, mapping and bulk assignment resolvers to the admin page's resolver. */
export function defineProductResolvers(resolver: Resolver): void {
  defineResolver(resolver, 'getProductTree', noPayload, async (_input, context): Promise<ProductTreeView> => {
    await requireGlobalAdmin(context.accountId);
    return getProductTree();
  });

  defineResolver(resolver, 'createProduct', draftSchema, async (draft, context): Promise<Product> => {
    await requireGlobalAdmin(context.accountId);
    return createProductFromDraft(draft);
  });

  /** Rename, describe, move (parentId), priority, owning team: the whole draft replaces the product's fields. */
  defineResolver(
    resolver,
    'updateProduct',
    draftSchema.extend({ productId: id }),
    async ({ productId, ...draft }, context): Promise<Product> => {
      await requireGlobalAdmin(context.accountId);
      return updateProductFromDraft(productId, draft);
    },
  );

  defineResolver(
    resolver,
    'previewProductDeletion',
    z.strictObject({ productId: id }),
    async ({ productId }, context): Promise<ProductDeletionPreview> => {
      await requireGlobalAdmin(context.accountId);
      return previewProductDeletion(productId);
    },
  );

  defineResolver(
    resolver,
    'deleteProduct',
    z.strictObject({ productId: id }),
    async ({ productId }, context): Promise<ProductDeletionResult> => {
      await requireGlobalAdmin(context.accountId);
      return deleteProductMovingChildrenUp(productId);
    },
  );

  // ---- one product's mapping ----

  defineResolver(
    resolver,
    'getProductMapping',
    z.strictObject({ productId: id }),
    async ({ productId }, context): Promise<ProductMappingView> => {
      await requireGlobalAdmin(context.accountId);
      return getProductMappingView(productId);
    },
  );

  /** Maps a project picked from a list; `move` takes a Sentry project or SonarCloud branch from another product. */
  defineResolver(
    resolver,
    'mapProject',
    z.strictObject({ productId: id, target: targetSchema, move: z.boolean().default(false) }),
    async ({ productId, target, move }, context): Promise<ProductMappingView> => {
      await requireGlobalAdmin(context.accountId);
      return mapProjectToProduct(productId, target, move);
    },
  );

  defineResolver(
    resolver,
    'unmapProject',
    z.strictObject({ productId: id, target: targetSchema }),
    async ({ productId, target }, context): Promise<ProductMappingView> => {
      await requireGlobalAdmin(context.accountId);
      return unmapProjectFromProduct(productId, target);
    },
  );

  // ---- lists to pick from (remote, paged) ----

  /** Jira projects the caller can browse (asUser), 50 per page, searched by name or key. */
  defineResolver(
    resolver,
    'searchJiraProjects',
    z.strictObject({
      query: z.string().max(200).default(''),
      startAt: z.number().int().min(0).max(100_000).default(0),
    }),
    async (request, context): Promise<JiraProjectPageView> => {
      await requireGlobalAdmin(context.accountId);
      return searchJiraProjects(request);
    },
  );

  defineResolver(
    resolver,
    'listSentryProjects',
    z.strictObject({
      connectionId: id,
      cursor: z.string().min(1).max(500).nullable().default(null),
      query: z.string().max(200).default(''),
    }),
    async (request, context): Promise<SentryProjectPageView> => {
      await requireGlobalAdmin(context.accountId);
      return listSentryProjects(request);
    },
  );

  defineResolver(
    resolver,
    'listSonarProjects',
    z.strictObject({
      connectionId: id,
      page: z.number().int().min(1).max(100).default(1),
      pageSize: z.number().int().min(1).max(500).default(100),
      query: z.string().max(200).default(''),
    }),
    async (request, context): Promise<SonarProjectPageView> => {
      await requireGlobalAdmin(context.accountId);
      return listSonarProjects(request);
    },
  );

  defineResolver(
    resolver,
    'listSonarBranches',
    z.strictObject({ connectionId: id, projectKey: key }),
    async (request, context): Promise<SonarBranchOption[]> => {
      await requireGlobalAdmin(context.accountId);
      return listSonarBranches(request);
    },
  );

  /** Main branch and languages of up to SONAR_DETAILS_MAX projects, for the bulk table. */
  defineResolver(
    resolver,
    'getSonarProjectDetails',
    z.strictObject({ connectionId: id, projectKeys: z.array(key).min(1).max(SONAR_DETAILS_MAX) }),
    async (request, context): Promise<SonarProjectDetails[]> => {
      await requireGlobalAdmin(context.accountId);
      return getSonarProjectDetails(request);
    },
  );

  // ---- bulk assignment ----

  defineResolver(resolver, 'getAssignments', noPayload, async (_input, context): Promise<AssignmentsView> => {
    await requireGlobalAdmin(context.accountId);
    return getAssignments();
  });

  /** Assigns up to BULK_BATCH_MAX projects to a product, or unassigns them (productId null). */
  defineResolver(
    resolver,
    'changeAssignments',
    z.strictObject({ productId: id.nullable(), items: z.array(bulkItemSchema).min(1).max(BULK_BATCH_MAX) }),
    async ({ productId, items }, context): Promise<BulkChangeResult> => {
      await requireGlobalAdmin(context.accountId);
      return changeAssignments(productId, items);
    },
  );
}
