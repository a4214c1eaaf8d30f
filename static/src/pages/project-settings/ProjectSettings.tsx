import type { StatusMapping } from '../../../../src/domain/model';
import type { ProjectSettingsView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { MappedProduct } from '../../shared/components/MappedProduct';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';

export function ProjectSettings() {
  const query = useResolver<ProjectSettingsView>('getProjectSettings');
  return (
    <main className="ph-page">
      <header>
        <h1>Product health</h1>
        <p>Which products, Sentry projects and SonarCloud projects this Jira project maps to.</p>
      </header>
      <AsyncView query={query} what="the settings of this project">
        {(view) => (
          <>
            <Section title="Mapping">
              {view.products.length === 0 ? (
                <EmptyState title="This Jira project is not mapped to a product">
                  <p>
                    A Jira admin creates products and maps them to Jira, Sentry and SonarCloud projects in
                    Jira settings → Apps → Product health.
                  </p>
                </EmptyState>
              ) : (
                view.products.map((item) => (
                  <MappedProduct key={item.product.id} item={item} connections={view.connections} />
                ))
              )}
            </Section>
            <Section
              title="Status mapping"
              actions={
                <Subtle>
                  {view.statusMappingIsDefault ? 'Defaults (none saved for this project)' : null}
                </Subtle>
              }
            >
              <StatusMappingSummary mapping={view.statusMapping} isDefault={view.statusMappingIsDefault} />
            </Section>
          </>
        )}
      </AsyncView>
    </main>
  );
}

function ids(list: string[], whenEmpty: string): string {
  return list.length === 0 ? whenEmpty : list.join(', ');
}

function StatusMappingSummary({ mapping, isDefault }: { mapping: StatusMapping; isDefault: boolean }) {
  return (
    <dl className="ph-facts ph-facts--wide">
      <div>
        <dt>Resolve in Sentry when the Jira status is</dt>
        <dd>{ids(mapping.resolvedStatusIds, 'any status in the Done category')}</dd>
      </div>
      <div>
        <dt>Archive in Sentry when the Jira status is</dt>
        <dd>{ids(mapping.archivedStatusIds, 'never')}</dd>
      </div>
      <div>
        <dt>When Sentry resolves, move the Jira issue to</dt>
        <dd>{mapping.doneStatusId ?? 'the first Done transition'}</dd>
      </div>
      <div>
        <dt>When Sentry reports a regression</dt>
        <dd>
          {mapping.regressionPolicy === 'reopen'
            ? `reopen the Jira issue${mapping.reopenStatusId ? ` (status ${mapping.reopenStatusId})` : ''}`
            : 'create a new Jira issue'}
        </dd>
      </div>
      <div>
        <dt>Comment on the Jira issue when Sentry changes it</dt>
        <dd>{mapping.commentOnSentryChange ? 'yes' : 'no'}</dd>
      </div>
      {isDefault ? null : (
        <div>
          <dt>Last changed</dt>
          <dd>
            <TimeAgo iso={mapping.updatedAt} />
          </dd>
        </div>
      )}
    </dl>
  );
}
