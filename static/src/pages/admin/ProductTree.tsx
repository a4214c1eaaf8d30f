import type { ProductTreeNode, ProductTreeView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { PriorityLozenge } from '../../shared/components/MappedProduct';
import { Section, Subtle } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function ProductTree() {
  const query = useResolver<ProductTreeView>('getProductTree');
  return (
    <Section title="Products">
      <AsyncView query={query} what="the products">
        {(view) =>
          view.total === 0 ? (
            <EmptyState title="No product yet">
              <p>
                Products group what a team ships: create one, then map it to Jira projects, Sentry projects
                and SonarCloud projects.
              </p>
            </EmptyState>
          ) : (
            <ul className="ph-tree" aria-label="Products">
              {view.roots.map((node) => (
                <TreeNode key={node.product.id} node={node} />
              ))}
            </ul>
          )
        }
      </AsyncView>
    </Section>
  );
}

function TreeNode({ node }: { node: ProductTreeNode }) {
  return (
    <li>
      <div className="ph-row" data-testid="product-node">
        <strong>{node.product.name}</strong>
        <PriorityLozenge priority={node.product.priority} />
        {node.product.owningTeam ? <Subtle>Team {node.product.owningTeam}</Subtle> : null}
        <Subtle>
          {plural(node.jiraProjectCount, 'Jira project')} ·{' '}
          {plural(node.sentryProjectCount, 'Sentry project')} ·{' '}
          {plural(node.sonarProjectCount, 'SonarCloud project')}
        </Subtle>
      </div>
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((child) => (
            <TreeNode key={child.product.id} node={child} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
