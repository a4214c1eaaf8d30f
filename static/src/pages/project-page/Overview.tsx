import type { ProjectProductsView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { MappedProduct } from '../../shared/components/MappedProduct';
import { Section } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import type { ProjectPageRoute } from './ProjectPage';

export function Overview({ onNavigate }: { onNavigate: (route: ProjectPageRoute) => void }) {
  const query = useResolver<ProjectProductsView>('getProducts');
  return (
    <AsyncView query={query} what="the products of this project">
      {(view) =>
        view.products.length === 0 ? (
          <NoProductMapped />
        ) : (
          <Section
            title={view.products.length === 1 ? 'Product' : `Products (${view.products.length})`}
            actions={
              <>
                <button type="button" className="ph-button" onClick={() => onNavigate('sentry')}>
                  Sentry impact
                </button>
                <button type="button" className="ph-button" onClick={() => onNavigate('quality')}>
                  Code quality
                </button>
              </>
            }
          >
            {view.products.map((item) => (
              <MappedProduct key={item.product.id} item={item} connections={view.connections} />
            ))}
          </Section>
        )
      }
    </AsyncView>
  );
}

export function NoProductMapped() {
  return (
    <EmptyState title="No product is mapped to this Jira project">
      <p>
        A Jira admin maps products to Jira projects in Jira settings → Apps → Product health. Once this
        project belongs to a product, its Sentry and SonarCloud projects show here.
      </p>
    </EmptyState>
  );
}
