/**
 * Products form a tree (`product:<id>`). Rules this repository keeps:
 * - a parent must exist, and a product can never end up inside its own subtree;
 * - deleting a product that still has children is refused (the admin moves or deletes the
 *   children first): re-parenting them silently would change how their health rolls up
 *   without anyone deciding it. Deleting a product also removes its mapping.
 * Children are found by listing products (an installation has tens to hundreds of them,
 * a few query pages); no child index is kept, so there is nothing to get out of step.
 * Bad input throws StorageValidationError before anything is written.
 */
import { randomUUID } from 'node:crypto';
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { Priority, Product } from '../domain/model';
import {
  MAX_PRODUCT_DEPTH,
  PRIORITIES,
  PRODUCT_DESCRIPTION_MAX,
  PRODUCT_NAME_MAX,
  PRODUCT_TEAM_MAX,
} from '../domain/products';
import { StorageConflictError, StorageNotFoundError, StorageValidationError } from './errors';
import { productKey, productPrefix } from './keys';
import {
  batchDeleteKeys,
  listAllValues,
  listValuesPage,
  setIfAbsent,
  type Page,
  type PageRequest,
} from './kvs-helpers';
import { deleteProductMapping } from './mappings';
import { deleteReleasedRecords, healthPassWrittenKeys } from './product-records';

export { MAX_PRODUCT_DEPTH, PRIORITIES };

export interface NewProduct {
  /** A new random id when absent. */
  id?: string;
  name: string;
  description?: string | null;
  parentId?: string | null;
  /** 'medium' when absent. */
  priority?: Priority;
  owningTeam?: string | null;
}

export type ProductChanges = Partial<Pick<Product, 'name' | 'parentId' | 'priority' | 'owningTeam'>> & {
  /** Null or empty removes the description. */
  description?: string | null;
};

const nameSchema = z
  .string()
  .trim()
  .min(1, 'give the product a name')
  .max(PRODUCT_NAME_MAX, `use at most ${PRODUCT_NAME_MAX} characters`);
const changesSchema = z.strictObject({
  name: nameSchema.optional(),
  description: z.string().trim().max(PRODUCT_DESCRIPTION_MAX).nullable().optional(),
  parentId: z.string().min(1).nullable().optional(),
  priority: z.enum(['critical', 'high', 'medium', 'low']).optional(),
  owningTeam: z.string().trim().max(PRODUCT_TEAM_MAX).nullable().optional(),
});

function parseChanges(changes: ProductChanges): ProductChanges {
  const parsed = changesSchema.safeParse(changes);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'product';
    throw new StorageValidationError(
      `The product's ${field} is not valid: ${issue?.message ?? 'invalid'}.`,
      field,
    );
  }
  return parsed.data;
}

export async function getProduct(productId: string): Promise<Product | undefined> {
  return kvs.get<Product>(productKey(productId));
}

async function requireProduct(productId: string, role: string): Promise<Product> {
  const product = await getProduct(productId);
  if (!product) {
    throw new StorageNotFoundError(
      `There is no product "${productId}" to use as ${role}: pick an existing product or create it first.`,
      role === 'parent' ? 'parentId' : 'productId',
    );
  }
  return product;
}

/** The ancestors of `product`, nearest first; throws if the stored tree is already broken. */
async function ancestorsOf(product: Product): Promise<Product[]> {
  const ancestors: Product[] = [];
  let parentId = product.parentId;
  while (parentId !== null) {
    if (ancestors.length >= MAX_PRODUCT_DEPTH) {
      throw new StorageValidationError(
        `Product "${product.name}" would sit more than ${MAX_PRODUCT_DEPTH} levels deep: pick a parent nearer the top.`,
        'parentId',
      );
    }
    const parent = await getProduct(parentId);
    if (!parent) break; // a dangling parent ends the walk; it cannot be part of a cycle
    if (ancestors.some((seen) => seen.id === parent.id)) {
      throw new StorageValidationError(`The stored product tree has a cycle through "${parent.name}".`);
    }
    ancestors.push(parent);
    parentId = parent.parentId;
  }
  return ancestors;
}

/** Refuses a parent that does not exist, or one inside the product's own subtree. */
async function checkParent(productId: string, productName: string, parentId: string): Promise<void> {
  if (parentId === productId) {
    throw new StorageValidationError(
      `Product "${productName}" cannot be its own parent: pick another parent.`,
      'parentId',
    );
  }
  const parent = await requireProduct(parentId, 'parent');
  const chain = [parent, ...(await ancestorsOf(parent))];
  if (chain.some((ancestor) => ancestor.id === productId)) {
    throw new StorageValidationError(
      `Moving product "${productName}" under "${parent.name}" would make a cycle: "${parent.name}" is inside ` +
        `"${productName}". Pick a parent outside "${productName}"'s subtree, or move "${parent.name}" out first.`,
      'parentId',
    );
  }
  if (chain.length >= MAX_PRODUCT_DEPTH) {
    throw new StorageValidationError(
      `Product "${productName}" would sit more than ${MAX_PRODUCT_DEPTH} levels deep: pick a parent nearer the top.`,
      'parentId',
    );
  }
}

export async function createProduct(input: NewProduct, now: Date = new Date()): Promise<Product> {
  const changes = parseChanges({
    name: input.name,
    description: input.description ?? null,
    parentId: input.parentId ?? null,
    priority: input.priority ?? 'medium',
    owningTeam: input.owningTeam ?? null,
  });
  const id = input.id ?? randomUUID();
  const key = productKey(id);
  const at = now.toISOString();
  const product: Product = {
    id,
    name: changes.name ?? input.name,
    ...(changes.description ? { description: changes.description } : {}),
    parentId: changes.parentId ?? null,
    priority: changes.priority ?? 'medium',
    owningTeam: changes.owningTeam || null,
    createdAt: at,
    updatedAt: at,
  };
  if (product.parentId !== null) await checkParent(id, product.name, product.parentId);
  if (!(await setIfAbsent(key, product))) {
    throw new StorageConflictError(`A product with id "${id}" already exists: pick another id.`, 'id');
  }
  return product;
}

/** Changes name, description, parent, priority or owning team; a move that would make a cycle is refused. */
export async function updateProduct(
  productId: string,
  changes: ProductChanges,
  now: Date = new Date(),
): Promise<Product> {
  const parsed = parseChanges(changes);
  const existing = await requireProduct(productId, 'the product to change');
  const updated: Product = {
    ...existing,
    ...(parsed.name !== undefined && { name: parsed.name }),
    ...(parsed.parentId !== undefined && { parentId: parsed.parentId }),
    ...(parsed.priority !== undefined && { priority: parsed.priority }),
    ...(parsed.owningTeam !== undefined && { owningTeam: parsed.owningTeam || null }),
    updatedAt: now.toISOString(),
  };
  if (parsed.description !== undefined) {
    // Stored only when there is one, as createProduct does.
    if (parsed.description) updated.description = parsed.description;
    else delete updated.description;
  }
  if (updated.parentId !== null && updated.parentId !== existing.parentId) {
    await checkParent(productId, updated.name, updated.parentId);
  }
  await kvs.set(productKey(productId), updated);
  return updated;
}

export async function listProducts(): Promise<Product[]> {
  return listAllValues<Product>(productPrefix());
}

export async function listProductsPage(request: PageRequest = {}): Promise<Page<Product>> {
  return listValuesPage<Product>(productPrefix(), request);
}

export async function listChildProducts(parentId: string): Promise<Product[]> {
  return (await listProducts()).filter((product) => product.parentId === parentId);
}

/** The product and everything below it, parents before children. */
export async function listProductSubtree(productId: string): Promise<Product[]> {
  const all = await listProducts();
  const root = all.find((product) => product.id === productId);
  if (!root) return [];
  const subtree = [root];
  for (let index = 0; index < subtree.length; index++) {
    const current = subtree[index];
    for (const product of all) {
      if (current && product.parentId === current.id && !subtree.includes(product)) subtree.push(product);
    }
  }
  return subtree;
}

/**
 * Deletes a product that has no children, with its mapping and reverse indexes, and the records kept
 * for it and for what it mapped (storage/product-records.ts).
 * Returns false when there was no such product.
 */
export async function deleteProduct(productId: string): Promise<boolean> {
  const product = await getProduct(productId);
  if (!product) return false;
  const children = await listChildProducts(productId);
  if (children.length > 0) {
    const names = children.map((child) => `"${child.name}"`).join(', ');
    throw new StorageConflictError(
      `Product "${product.name}" still has ${children.length} child product(s): ${names}. ` +
        'Move them to another parent or delete them first.',
      'productId',
    );
  }
  await deleteProductMapping(productId);
  // The product's own health and trend records, before the product: a call cut short can be repeated.
  await deleteReleasedRecords({ productIds: [productId] });
  await kvs.delete(productKey(productId));
  // Once more after the product: a health pass that read it before may have written these meanwhile.
  await batchDeleteKeys(healthPassWrittenKeys(productId, new Date()));
  return true;
}
