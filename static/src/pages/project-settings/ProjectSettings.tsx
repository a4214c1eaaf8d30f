// The project settings page (project admins of this Jira project, and Jira admins): the products this
// project belongs to with their Sentry and SonarCloud projects (read-only: a Jira admin maps them on the
// global settings page), the status mapping editor and the automation rules editor.
import { useEffect, useState } from 'react';
import Lozenge from '@atlaskit/lozenge';
import type { Priority } from '../../../../src/domain/model';
import type { ConnectionLabel, MappedProductView, ProjectSettingsView } from '../../../../src/domain/views';
import { getPageContext, type PageContext } from '../../shared/bridge';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { Section, Subtle } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import { RulesSection } from './RulesSection';
import { IssueSyncSection } from './IssueSyncSection';
import { StatusMappingSection } from './StatusMappingEditor';

const PRIORITY: Record<Priority, 'removed' | 'moved' | 'inprogress' | 'default'> = {
  critical: 'removed',
  high: 'moved',
  medium: 'inprogress',
  low: 'default',
};

function connectionName(connections: ConnectionLabel[], id: string): string {
  return connections.find((connection) => connection.id === id)?.label ?? 'a removed connection';
}

function ProductCard({
  item,
  connections,
  sonarNames,
}: {
  item: MappedProductView;
  connections: ConnectionLabel[];
  sonarNames: Record<string, string>;
}) {
  const { product } = item;
  return (
    <article className="ph-card" data-testid="mapped-product">
      <div className="ph-row">
        <h3 className="ph-wrap">{[...item.path, product.name].join(' / ')}</h3>
        <Lozenge appearance={PRIORITY[product.priority]}>{product.priority}</Lozenge>
        {product.owningTeam ? <Subtle>Team {product.owningTeam}</Subtle> : null}
      </div>
      {product.description ? <p className="ph-wrap">{product.description}</p> : null}
      <div className="ph-columns">
        <div>
          <h4>Sentry projects</h4>
          {item.sentryProjects.length === 0 ? (
            <Subtle>None mapped</Subtle>
          ) : (
            <ul className="ph-list">
              {item.sentryProjects.map((ref) => (
                <li key={`${ref.connectionId}:${ref.projectId}`} className="ph-wrap">
                  {ref.projectSlug} <Subtle>in {connectionName(connections, ref.connectionId)}</Subtle>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>SonarCloud projects</h4>
          {item.sonarProjects.length === 0 ? (
            <Subtle>None mapped</Subtle>
          ) : (
            <ul className="ph-list">
              {item.sonarProjects.map((ref) => (
                <li key={`${ref.connectionId}:${ref.projectKey}:${ref.branch}`} className="ph-wrap">
                  {sonarNames[`${ref.connectionId}:${ref.projectKey}`] ?? ref.projectKey}{' '}
                  <Subtle>
                    branch {ref.branch} in {connectionName(connections, ref.connectionId)}
                  </Subtle>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </article>
  );
}

export function ProjectSettings() {
  const query = useResolver<ProjectSettingsView>('getProjectSettings');
  const [context, setContext] = useState<PageContext | null>(null);
  useEffect(() => {
    getPageContext().then(setContext, () => setContext(null));
  }, []);
  const projectName = context?.project?.key ?? 'this project';

  return (
    <main className="ph-page ph-project-settings">
      <header>
        <h1>Product health settings of {projectName}</h1>
        <p>
          What this Jira project maps to, how Jira and Sentry statuses follow each other, and the rules that
          create Jira issues from Sentry and SonarCloud.
        </p>
      </header>
      <AsyncView query={query} what="the settings of this project">
        {(view) => (
          <>
            <Section title="Products">
              {view.products.length === 0 ? (
                <EmptyState title="This Jira project belongs to no product yet">
                  <p>
                    A Jira admin creates products and maps them to Jira, Sentry and SonarCloud projects in
                    Jira settings → Apps → Product health.
                  </p>
                </EmptyState>
              ) : (
                <>
                  <p className="ph-subtle">
                    Read-only here: a Jira admin changes products and mappings in Jira settings → Apps →
                    Product health.
                  </p>
                  {view.products.map((item) => (
                    <ProductCard
                      key={item.product.id}
                      item={item}
                      connections={view.connections}
                      sonarNames={view.sonarProjectNames}
                    />
                  ))}
                </>
              )}
            </Section>
            <StatusMappingSection />
            <IssueSyncSection />
            <RulesSection projectId={view.projectId} siteUrl={context?.siteUrl ?? ''} />
          </>
        )}
      </AsyncView>
    </main>
  );
}
