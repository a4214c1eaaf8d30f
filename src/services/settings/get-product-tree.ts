// The admin page's product hierarchy, with how many projects each product maps to.
import type { Product, ProductMapping } from '../../domain/model';
import type { ProductTreeNode, ProductTreeView } from '../../domain/views';
import { listProductMappings, listProducts } from '../../storage';

/** Builds the tree; a product whose parent is missing (or that sits in a cycle) shows as a root. */
export function buildProductTree(products: Product[], mappings: ProductMapping[]): ProductTreeView {
  const mappingOf = new Map(mappings.map((mapping) => [mapping.productId, mapping]));
  const nodes = new Map<string, ProductTreeNode>(
    products.map((product) => {
      const mapping = mappingOf.get(product.id);
      return [
        product.id,
        {
          product,
          jiraProjectCount: mapping?.jiraProjectIds.length ?? 0,
          sentryProjectCount: mapping?.sentryProjects.length ?? 0,
          sonarProjectCount: mapping?.sonarProjects.length ?? 0,
          children: [],
        },
      ];
    }),
  );
  const reachesRoot = (product: Product): boolean => {
    const seen = new Set<string>();
    let current: Product | undefined = product;
    while (current && current.parentId !== null) {
      if (seen.has(current.id)) return false;
      seen.add(current.id);
      current = nodes.get(current.parentId)?.product;
    }
    return current !== undefined;
  };
  const roots: ProductTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.product.parentId === null ? undefined : nodes.get(node.product.parentId);
    if (parent && reachesRoot(node.product)) parent.children.push(node);
    else roots.push(node);
  }
  const byName = (a: ProductTreeNode, b: ProductTreeNode) => a.product.name.localeCompare(b.product.name);
  const sortDeep = (list: ProductTreeNode[]): ProductTreeNode[] => {
    list.sort(byName);
    for (const node of list) sortDeep(node.children);
    return list;
  };
  return { roots: sortDeep(roots), total: products.length };
}

export async function getProductTree(): Promise<ProductTreeView> {
  const [products, mappings] = await Promise.all([listProducts(), listProductMappings()]);
  return buildProductTree(products, mappings);
}
