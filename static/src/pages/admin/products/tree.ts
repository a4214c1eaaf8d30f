// The product tree as the product forms and selects need it: flat, in display order, with paths.
import type { Product } from '../../../../../src/domain/model';
import type { ProductTreeNode, ProductTreeView } from '../../../../../src/domain/views';

export interface FlatProduct {
  product: Product;
  /** "Shop / Web / Checkout": the names from the root. */
  path: string;
  depth: number;
  node: ProductTreeNode;
}

export function flattenTree(view: ProductTreeView): FlatProduct[] {
  const flat: FlatProduct[] = [];
  const walk = (nodes: ProductTreeNode[], parents: string[]) => {
    for (const node of nodes) {
      const names = [...parents, node.product.name];
      flat.push({ product: node.product, path: names.join(' / '), depth: parents.length, node });
      walk(node.children, names);
    }
  };
  walk(view.roots, []);
  return flat;
}

/** The product and every product below it. */
export function subtreeIds(node: ProductTreeNode): Set<string> {
  const ids = new Set<string>();
  const walk = (current: ProductTreeNode) => {
    ids.add(current.product.id);
    current.children.forEach(walk);
  };
  walk(node);
  return ids;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;
}
