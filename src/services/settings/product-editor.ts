// Creating and changing products from the global settings page: the whole draft is checked against
// the current tree (src/domain/products.ts) before anything is written, and the first problem is
// refused with the field it concerns, so the page shows it next to that field.
import type { Product } from '../../domain/model';
import { checkProductDraft, cleanProductDraft, type ProductDraft } from '../../domain/products';
import {
  createProduct,
  getProduct,
  listProducts,
  StorageNotFoundError,
  StorageValidationError,
  updateProduct,
} from '../../storage';

function refuseProblems(draft: ProductDraft, products: readonly Product[], selfId: string | null): void {
  const [problem] = checkProductDraft(draft, products, selfId);
  if (problem) throw new StorageValidationError(problem.message, problem.field);
}

export async function createProductFromDraft(draft: ProductDraft, now: Date = new Date()): Promise<Product> {
  refuseProblems(draft, await listProducts(), null);
  const clean = cleanProductDraft(draft);
  return createProduct({ ...clean }, now);
}

/** Replaces every field of the product with the draft's (rename, describe, move, priority, team). */
export async function updateProductFromDraft(
  productId: string,
  draft: ProductDraft,
  now: Date = new Date(),
): Promise<Product> {
  const products = await listProducts();
  if (!products.some((product) => product.id === productId) && !(await getProduct(productId))) {
    throw new StorageNotFoundError(
      'This product no longer exists (someone deleted it); reload the page.',
      'productId',
    );
  }
  refuseProblems(draft, products, productId);
  return updateProduct(productId, cleanProductDraft(draft), now);
}
