// What makes a product valid in its tree, and what deleting one does. Pure: the caller passes the
// products, mappings and rules it read; nothing here reads or writes storage.
import type { AutomationRule, Priority, Product, ProductMapping } from './model';

export const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];
/** Jira caps project names at 80 characters; a product name a little longer still reads in a tree. */
export const PRODUCT_NAME_MAX = 100;
export const PRODUCT_DESCRIPTION_MAX = 1_000;
export const PRODUCT_TEAM_MAX = 100;
/** Deeper trees are refused; it also bounds every walk up the tree. */
export const MAX_PRODUCT_DEPTH = 20;

/** What an admin enters for a product (created or changed). */
export interface ProductDraft {
  name: string;
  description: string | null;
  parentId: string | null;
  priority: Priority;
  owningTeam: string | null;
}

export type ProductField = keyof ProductDraft;

/** One thing wrong with a draft, said next to the field it concerns. */
export interface FieldProblem {
  field: ProductField;
  message: string;
}

/** Trims and collapses runs of white space, so "  Web  shop " and "Web shop" are one name. */
export function normalizeProductName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** Names compare without case: "Checkout" and "checkout" side by side would confuse everyone. */
const sameName = (a: string, b: string): boolean =>
  normalizeProductName(a).toLocaleLowerCase('en') === normalizeProductName(b).toLocaleLowerCase('en');

function optionalText(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** The draft as it will be stored: name normalized, empty optional texts as null. */
export function cleanProductDraft(draft: ProductDraft): ProductDraft {
  return {
    name: normalizeProductName(draft.name),
    description: optionalText(draft.description),
    parentId: draft.parentId,
    priority: draft.priority,
    owningTeam: optionalText(draft.owningTeam),
  };
}

/** The ancestors of a would-be parent, nearest first, stopping at a missing parent or a loop. */
function chainFrom(parentId: string, byId: ReadonlyMap<string, Product>): Product[] {
  const chain: Product[] = [];
  let current = byId.get(parentId);
  while (current && !chain.includes(current) && chain.length <= MAX_PRODUCT_DEPTH) {
    chain.push(current);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return chain;
}

/**
 * Every problem with `draft` for the product `selfId` (null: a new product) among `products`:
 * empty or over-long texts, a duplicate name under the same parent, a parent that does not exist,
 * is the product itself or sits inside its subtree (a cycle), or a tree deeper than MAX_PRODUCT_DEPTH.
 */
export function checkProductDraft(
  input: ProductDraft,
  products: readonly Product[],
  selfId: string | null,
): FieldProblem[] {
  const draft = cleanProductDraft(input);
  const problems: FieldProblem[] = [];
  const byId = new Map(products.map((product) => [product.id, product]));
  const self = selfId === null ? undefined : byId.get(selfId);
  const selfName = self?.name ?? draft.name;

  if (draft.name === '') problems.push({ field: 'name', message: 'Give the product a name.' });
  else if (draft.name.length > PRODUCT_NAME_MAX) {
    problems.push({
      field: 'name',
      message: `The name has ${draft.name.length} characters; use at most ${PRODUCT_NAME_MAX}.`,
    });
  }
  if (!PRIORITIES.includes(draft.priority)) {
    problems.push({ field: 'priority', message: `Pick one of the priorities ${PRIORITIES.join(', ')}.` });
  }
  if (draft.description !== null && draft.description.length > PRODUCT_DESCRIPTION_MAX) {
    problems.push({
      field: 'description',
      message: `The description has ${draft.description.length} characters; shorten it to at most ${PRODUCT_DESCRIPTION_MAX}.`,
    });
  }
  if (draft.owningTeam !== null && draft.owningTeam.length > PRODUCT_TEAM_MAX) {
    problems.push({
      field: 'owningTeam',
      message: `The team name has ${draft.owningTeam.length} characters; use at most ${PRODUCT_TEAM_MAX}.`,
    });
  }

  if (draft.parentId !== null) {
    const parent = byId.get(draft.parentId);
    if (!parent) {
      problems.push({
        field: 'parentId',
        message: 'The chosen parent no longer exists; reload the page and pick another.',
      });
    } else if (parent.id === selfId) {
      problems.push({ field: 'parentId', message: `"${selfName}" cannot be its own parent; pick another.` });
    } else {
      const chain = chainFrom(parent.id, byId);
      if (selfId !== null && chain.some((ancestor) => ancestor.id === selfId)) {
        problems.push({
          field: 'parentId',
          message:
            `"${parent.name}" is inside "${selfName}": moving "${selfName}" under it would make a loop. ` +
            `Pick a parent outside "${selfName}", or move "${parent.name}" out first.`,
        });
      } else if (chain.length + subtreeHeight(selfId, products) > MAX_PRODUCT_DEPTH) {
        problems.push({
          field: 'parentId',
          message: `The tree would be more than ${MAX_PRODUCT_DEPTH} levels deep there; pick a parent nearer the top.`,
        });
      }
    }
  }

  if (draft.name !== '') {
    const sibling = products.find(
      (product) =>
        product.id !== selfId && product.parentId === draft.parentId && sameName(product.name, draft.name),
    );
    if (sibling) {
      const where =
        draft.parentId === null ? 'at the top level' : `under "${byId.get(draft.parentId)?.name ?? '?'}"`;
      problems.push({
        field: 'name',
        message: `There is already a product "${sibling.name}" ${where}; pick another name.`,
      });
    }
  }
  return problems;
}

/** Levels below and including `productId` (1 for a leaf; 1 for a product not created yet). */
function subtreeHeight(productId: string | null, products: readonly Product[]): number {
  if (productId === null) return 1;
  let height = 1;
  let level = [productId];
  const seen = new Set(level);
  while (height <= MAX_PRODUCT_DEPTH) {
    const next = products
      .filter((product) => product.parentId !== null && level.includes(product.parentId))
      .map((product) => product.id)
      .filter((id) => !seen.has(id));
    if (next.length === 0) return height;
    next.forEach((id) => seen.add(id));
    level = next;
    height += 1;
  }
  return height;
}

/** What deleting a product does: said in the warning, and done exactly so. */
export interface ProductDeletionPlan {
  product: Product;
  /** Its direct children: they move up to `newParent` (null: the top level) and keep their own mappings. */
  children: Product[];
  newParent: Product | null;
  /** What the product itself maps to; these become unassigned. */
  mapping: Pick<ProductMapping, 'jiraProjectIds' | 'sentryProjects' | 'sonarProjects'>;
  /** Automation rules scoped to the product: deleted with it, since they could never fire again. */
  rules: Array<Pick<AutomationRule, 'id' | 'name'>>;
  /** Why the delete cannot go ahead as it is (e.g. a child whose name clashes after the move). */
  blockers: string[];
}

/**
 * Plans deleting `productId`: its children move up one level (to its parent, or the top level), what
 * it maps becomes unassigned, rules scoped to it go with it. A child whose name equals a product
 * already at the level it moves to blocks the delete until one of them is renamed.
 */
export function planProductDeletion(
  productId: string,
  products: readonly Product[],
  mapping: ProductMapping | undefined,
  rules: readonly AutomationRule[],
): ProductDeletionPlan | undefined {
  const product = products.find((candidate) => candidate.id === productId);
  if (!product) return undefined;
  const byName = (a: Product, b: Product) => a.name.localeCompare(b.name);
  const children = products.filter((candidate) => candidate.parentId === productId).sort(byName);
  const newParent =
    product.parentId === null ? null : (products.find((p) => p.id === product.parentId) ?? null);
  const newParentId = newParent?.id ?? null;
  const staying = products.filter(
    (candidate) => candidate.id !== productId && candidate.parentId === newParentId,
  );
  const where = newParent === null ? 'at the top level' : `under "${newParent.name}"`;
  const blockers = children.flatMap((child) => {
    const clash = staying.find((other) => sameName(other.name, child.name));
    return clash
      ? [
          `"${child.name}" would move ${where}, where a product "${clash.name}" already is: ` +
            'rename one of them first.',
        ]
      : [];
  });
  return {
    product,
    children,
    newParent,
    mapping: {
      jiraProjectIds: mapping?.jiraProjectIds ?? [],
      sentryProjects: mapping?.sentryProjects ?? [],
      sonarProjects: mapping?.sonarProjects ?? [],
    },
    rules: rules
      .filter((rule) => 'productId' in rule.scope && rule.scope.productId === productId)
      .map((rule) => ({ id: rule.id, name: rule.name })),
    blockers,
  };
}
