// Deleting a product from the global settings page. The warning (previewProductDeletion) and the
// delete itself follow one plan (src/domain/products.ts planProductDeletion): the children move up
// one level with their own mappings, what the product maps becomes unassigned, and automation rules
// scoped to it are deleted (they could never fire again). Nothing else goes.
import type { ProductDeletionPreview, ProductDeletionResult } from '../../domain/product-views';
import { planProductDeletion, type ProductDeletionPlan } from '../../domain/products';
import {
  deleteProduct,
  deleteRule,
  getProductMapping,
  listProducts,
  listRules,
  StorageConflictError,
  StorageNotFoundError,
  updateProduct,
} from '../../storage';
import { describeMapping } from './product-mapping-editor';
import type { RemoteListClients } from './remote-project-lists';

async function plan(productId: string): Promise<ProductDeletionPlan> {
  const [products, mapping, rules] = await Promise.all([
    listProducts(),
    getProductMapping(productId),
    listRules(),
  ]);
  const result = planProductDeletion(productId, products, mapping, rules);
  if (!result) {
    throw new StorageNotFoundError(
      'This product no longer exists (someone deleted it); reload the page.',
      'productId',
    );
  }
  return result;
}

const named = (product: { id: string; name: string }) => ({ id: product.id, name: product.name });

export async function previewProductDeletion(
  productId: string,
  clients: RemoteListClients = {},
): Promise<ProductDeletionPreview> {
  const deletion = await plan(productId);
  return {
    product: named(deletion.product),
    children: deletion.children.map(named),
    newParent: deletion.newParent ? named(deletion.newParent) : null,
    mapping: await describeMapping(
      { productId, ...deletion.mapping, updatedAt: deletion.product.updatedAt },
      clients,
    ),
    rules: deletion.rules,
    blockers: deletion.blockers,
  };
}

/**
 * Deletes the product as the preview said. Children move first, so a run cut short leaves a valid
 * tree (the product still there, fewer children) that a second delete finishes.
 */
export async function deleteProductMovingChildrenUp(
  productId: string,
  now: Date = new Date(),
): Promise<ProductDeletionResult> {
  const deletion = await plan(productId);
  if (deletion.blockers.length > 0) {
    throw new StorageConflictError(deletion.blockers.join(' '), 'productId');
  }
  const newParentId = deletion.newParent?.id ?? null;
  for (const child of deletion.children) await updateProduct(child.id, { parentId: newParentId }, now);
  for (const rule of deletion.rules) await deleteRule(rule.id);
  await deleteProduct(productId);
  const { jiraProjectIds, sentryProjects, sonarProjects } = deletion.mapping;
  return {
    productId,
    movedChildren: deletion.children.length,
    unassignedProjects: jiraProjectIds.length + sentryProjects.length + sonarProjects.length,
    deletedRules: deletion.rules.length,
  };
}
