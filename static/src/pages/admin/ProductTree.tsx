// Global settings: the product tree (create, edit, move, delete), one product's mappings, and bulk
// assignment of Sentry and SonarCloud projects.
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import type { Priority, Product } from '../../../../src/domain/model';
import type { ProductDeletionResult } from '../../../../src/domain/product-views';
import type { ConnectionsView, ProductTreeNode, ProductTreeView } from '../../../../src/domain/views';
import { AsyncView, EmptyState, Loading } from '../../shared/components/AsyncView';
import { Section, Subtle } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import { DeleteProductModal } from './products/DeleteProductModal';
import { ProductFormModal, type ProductFormMode } from './products/ProductFormModal';
import { ProductMappings } from './products/ProductMappings';
import { flattenTree, plural } from './products/tree';
import './products/products.css';

// The bulk table is the heaviest part of the page and sits below the fold: loaded on its own.
const BulkAssignment = lazy(() => import('./products/BulkAssignment'));

const priorityAppearance: Record<Priority, 'removed' | 'moved' | 'inprogress' | 'default'> = {
  critical: 'removed',
  high: 'moved',
  medium: 'inprogress',
  low: 'default',
};

type Dialog = { kind: 'form'; mode: ProductFormMode } | { kind: 'delete'; product: Product } | null;

export function ProductTree() {
  const query = useResolver<ProductTreeView>('getProductTree');
  const connectionsQuery = useResolver<ConnectionsView>('getConnections');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** Counts changes of mappings and products, so the bulk table reads the owners again. */
  const [changes, setChanges] = useState(0);
  const changed = () => {
    setChanges((count) => count + 1);
    query.reload();
  };
  // Kept while the tree is read again after a change, so the tree and the bulk table stay in place.
  const [view, setView] = useState<ProductTreeView | null>(null);
  useEffect(() => {
    if (query.state.status === 'ready') setView(query.state.data);
  }, [query.state]);
  const flat = useMemo(() => (view ? flattenTree(view) : []), [view]);
  const connections =
    connectionsQuery.state.status === 'ready' ? connectionsQuery.state.data.connections : [];
  const selected = flat.find((item) => item.product.id === selectedId)?.product ?? null;

  const saved = (product: Product, created: boolean) => {
    setDialog(null);
    setNotice(created ? `Created "${product.name}".` : `Saved "${product.name}".`);
    if (created) setSelectedId(product.id);
    changed();
  };
  const deleted = (name: string, result: ProductDeletionResult) => {
    setDialog(null);
    if (selectedId === result.productId) setSelectedId(null);
    const parts = [
      `${plural(result.unassignedProjects, 'project')} unassigned`,
      ...(result.movedChildren > 0 ? [`${plural(result.movedChildren, 'child', 'children')} moved up`] : []),
      ...(result.deletedRules > 0 ? [`${plural(result.deletedRules, 'rule')} deleted`] : []),
    ];
    setNotice(`Deleted "${name}": ${parts.join(', ')}.`);
    changed();
  };

  return (
    <>
      <Section
        title="Products"
        actions={
          <Button
            appearance="primary"
            onClick={() => setDialog({ kind: 'form', mode: { kind: 'create', parentId: null } })}
            testId="create-product"
          >
            Create product
          </Button>
        }
      >
        {notice ? (
          <div className="ph-feedback" role="status" aria-live="polite" data-testid="products-notice">
            <SectionMessage appearance="success">
              <p className="ph-wrap">{notice}</p>
            </SectionMessage>
          </div>
        ) : null}
        <AsyncView
          query={
            view && query.state.status !== 'error'
              ? { ...query, state: { status: 'ready', data: view } }
              : query
          }
          what="the products"
        >
          {(tree) =>
            tree.total === 0 ? (
              <EmptyState title="No product yet">
                <p>
                  Products group what a team ships: create one, then map it to Jira projects, Sentry projects
                  and SonarCloud projects.
                </p>
              </EmptyState>
            ) : (
              <ul className="ph-tree ph-product-tree" aria-label="Products">
                {tree.roots.map((node) => (
                  <TreeNode
                    key={node.product.id}
                    node={node}
                    selectedId={selectedId}
                    onSelect={(id) => setSelectedId((current) => (current === id ? null : id))}
                    onAddChild={(parentId) => setDialog({ kind: 'form', mode: { kind: 'create', parentId } })}
                    onEdit={(product) => setDialog({ kind: 'form', mode: { kind: 'edit', product } })}
                    onDelete={(product) => setDialog({ kind: 'delete', product })}
                  />
                ))}
              </ul>
            )
          }
        </AsyncView>
        {selected ? (
          <ProductMappings product={selected} connections={connections} onChanged={changed} />
        ) : view && view.total > 0 ? (
          <p className="ph-subtle">
            Choose “Mappings” on a product to map Jira, Sentry and SonarCloud projects to it.
          </p>
        ) : null}
      </Section>
      <Section title="Bulk assignment">
        <Suspense fallback={<Loading label="Loading the bulk assignment table…" />}>
          {view ? (
            <BulkAssignment products={flat} connections={connections} changes={changes} onChanged={changed} />
          ) : null}
        </Suspense>
      </Section>
      {dialog?.kind === 'form' ? (
        <ProductFormModal
          mode={dialog.mode}
          products={flat}
          onClose={() => setDialog(null)}
          onSaved={saved}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteProductModal
          productId={dialog.product.id}
          productName={dialog.product.name}
          onClose={() => setDialog(null)}
          onDeleted={(result) => deleted(dialog.product.name, result)}
        />
      ) : null}
    </>
  );
}

function TreeNode({
  node,
  selectedId,
  onSelect,
  onAddChild,
  onEdit,
  onDelete,
}: {
  node: ProductTreeNode;
  selectedId: string | null;
  onSelect: (productId: string) => void;
  onAddChild: (parentId: string) => void;
  onEdit: (product: Product) => void;
  onDelete: (product: Product) => void;
}) {
  const { product } = node;
  const isSelected = selectedId === product.id;
  return (
    <li>
      <div className={`ph-product${isSelected ? ' ph-product--selected' : ''}`} data-testid="product-node">
        <div className="ph-product__main">
          <div className="ph-row">
            <strong className="ph-wrap" data-testid="product-title">
              {product.name}
            </strong>
            <Lozenge appearance={priorityAppearance[product.priority]}>{product.priority}</Lozenge>
            {product.owningTeam ? <Subtle>Team {product.owningTeam}</Subtle> : null}
          </div>
          {product.description ? (
            <p className="ph-product__description ph-wrap">{product.description}</p>
          ) : null}
          <Subtle>
            {plural(node.jiraProjectCount, 'Jira project')} ·{' '}
            {plural(node.sentryProjectCount, 'Sentry project')} ·{' '}
            {plural(node.sonarProjectCount, 'SonarCloud project')}
          </Subtle>
        </div>
        <div className="ph-product__actions">
          <Button
            spacing="compact"
            appearance={isSelected ? 'primary' : 'default'}
            isSelected={isSelected}
            aria-pressed={isSelected}
            onClick={() => onSelect(product.id)}
          >
            Mappings
          </Button>
          <Button spacing="compact" appearance="subtle" onClick={() => onAddChild(product.id)}>
            Add child
          </Button>
          <Button spacing="compact" appearance="subtle" onClick={() => onEdit(product)}>
            Edit
          </Button>
          <Button spacing="compact" appearance="subtle" onClick={() => onDelete(product)}>
            Delete
          </Button>
        </div>
      </div>
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((child) => (
            <TreeNode
              key={child.product.id}
              node={child}
              selectedId={selectedId}
              onSelect={onSelect}
              onAddChild={onAddChild}
              onEdit={onEdit}
              onDelete={onDelete}
            />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
