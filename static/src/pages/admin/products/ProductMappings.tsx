// What one product maps to, with pickers over the real Jira, Sentry and SonarCloud lists and a remove
// button per project. A Sentry project or SonarCloud branch that belongs to another product is not
// taken silently: the admin moves it here or keeps it there.
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import type { Connection, Product } from '../../../../../src/domain/model';
import type { MappingTarget, ProductMappingView } from '../../../../../src/domain/product-views';
import { AsyncView } from '../../../shared/components/AsyncView';
import { callResolver, ResolverCallError } from '../../../shared/bridge';
import { useResolver } from '../../../shared/use-resolver';
import { JiraProjectPicker, SentryProjectPicker, SonarProjectPicker } from './pickers';

type Feedback =
  | { kind: 'ok'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'conflict'; text: string; target: MappingTarget };

function describeTarget(target: MappingTarget): string {
  switch (target.kind) {
    case 'jira':
      return 'the Jira project';
    case 'sentry':
      return `Sentry project ${target.projectSlug}`;
    case 'sonarcloud':
      return `SonarCloud project ${target.projectKey} (branch ${target.branch})`;
  }
}

export function ProductMappings({
  product,
  connections,
  onChanged,
}: {
  product: Product;
  connections: Connection[];
  /** Counts in the tree change with the mapping. */
  onChanged: () => void;
}) {
  const query = useResolver<ProductMappingView>('getProductMapping', { productId: product.id });
  const [view, setView] = useState<ProductMappingView | null>(null);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  useEffect(() => {
    setView(null);
    setFeedback(null);
  }, [product.id]);

  const run = async (resolverKey: 'mapProject' | 'unmapProject', target: MappingTarget, move = false) => {
    setBusy(true);
    setFeedback(null);
    try {
      const payload =
        resolverKey === 'mapProject'
          ? { productId: product.id, target, move }
          : { productId: product.id, target };
      const next = await callResolver<ProductMappingView>(resolverKey, payload);
      setView(next);
      const verb = resolverKey === 'mapProject' ? (move ? 'Moved' : 'Mapped') : 'Removed';
      setFeedback({ kind: 'ok', text: `${verb} ${describeTarget(target)}.` });
      onChanged();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (error instanceof ResolverCallError && error.code === 'conflict' && resolverKey === 'mapProject') {
        setFeedback({ kind: 'conflict', text, target });
      } else setFeedback({ kind: 'error', text });
    } finally {
      setBusy(false);
    }
  };

  const sentryConnections = connections.filter((connection) => connection.kind === 'sentry');
  const sonarConnections = connections.filter((connection) => connection.kind === 'sonarcloud');

  return (
    <section
      className="ph-mappings"
      aria-label={`Mappings of ${product.name}`}
      data-testid="product-mappings"
    >
      <h3 className="ph-wrap">Mappings of {product.name}</h3>
      {feedback ? (
        <div className="ph-feedback" role="status" aria-live="polite">
          {feedback.kind === 'conflict' ? (
            <SectionMessage
              appearance="warning"
              title="It belongs to another product"
              actions={[
                <SectionMessageAction
                  key="move"
                  onClick={() => void run('mapProject', feedback.target, true)}
                >
                  Move it here
                </SectionMessageAction>,
                <SectionMessageAction key="keep" onClick={() => setFeedback(null)}>
                  Keep it there
                </SectionMessageAction>,
              ]}
            >
              <p className="ph-wrap">{feedback.text}</p>
            </SectionMessage>
          ) : (
            <SectionMessage appearance={feedback.kind === 'ok' ? 'success' : 'error'}>
              <p className="ph-wrap">{feedback.text}</p>
            </SectionMessage>
          )}
        </div>
      ) : null}
      <AsyncView query={query} what="the mapping">
        {(loaded) => {
          const current = view ?? loaded;
          return (
            <div className="ph-columns">
              <div data-testid="mapped-jira">
                <h4>Jira projects</h4>
                <ul className="ph-list ph-mapped">
                  {current.jiraProjects.map((project) => (
                    <li key={project.id}>
                      <span className="ph-wrap">
                        {project.key
                          ? `${project.name ?? project.key} (${project.key})`
                          : `Jira project ${project.id} (you cannot browse it)`}
                      </span>
                      <Button
                        appearance="subtle"
                        spacing="compact"
                        isDisabled={busy}
                        onClick={() => void run('unmapProject', { kind: 'jira', jiraProjectId: project.id })}
                      >
                        Remove
                      </Button>
                    </li>
                  ))}
                  {current.jiraProjects.length === 0 ? <li className="ph-subtle">None yet</li> : null}
                </ul>
                <JiraProjectPicker busy={busy} onAdd={(target) => void run('mapProject', target)} />
              </div>
              <div data-testid="mapped-sentry">
                <h4>Sentry projects</h4>
                <ul className="ph-list ph-mapped">
                  {current.sentryProjects.map((ref) => (
                    <li key={`${ref.connectionId}:${ref.projectId}`}>
                      <span className="ph-wrap">
                        <span className="ph-mono">{ref.projectSlug}</span>{' '}
                        <span className="ph-subtle">in {ref.connectionLabel}</span>
                      </span>
                      <Button
                        appearance="subtle"
                        spacing="compact"
                        isDisabled={busy}
                        onClick={() =>
                          void run('unmapProject', {
                            kind: 'sentry',
                            connectionId: ref.connectionId,
                            projectId: ref.projectId,
                            projectSlug: ref.projectSlug,
                          })
                        }
                      >
                        Remove
                      </Button>
                    </li>
                  ))}
                  {current.sentryProjects.length === 0 ? <li className="ph-subtle">None yet</li> : null}
                </ul>
                <SentryProjectPicker
                  connections={sentryConnections}
                  busy={busy}
                  onAdd={(target) => void run('mapProject', target)}
                />
              </div>
              <div data-testid="mapped-sonar">
                <h4>SonarCloud projects</h4>
                <ul className="ph-list ph-mapped">
                  {current.sonarProjects.map((ref) => (
                    <li key={`${ref.connectionId}:${ref.projectKey}:${ref.branch}`}>
                      <span className="ph-wrap">
                        <span className="ph-mono">{ref.projectKey}</span>{' '}
                        <span className="ph-subtle">
                          branch {ref.branch} in {ref.connectionLabel}
                        </span>
                      </span>
                      <Button
                        appearance="subtle"
                        spacing="compact"
                        isDisabled={busy}
                        onClick={() =>
                          void run('unmapProject', {
                            kind: 'sonarcloud',
                            connectionId: ref.connectionId,
                            projectKey: ref.projectKey,
                            branch: ref.branch,
                          })
                        }
                      >
                        Remove
                      </Button>
                    </li>
                  ))}
                  {current.sonarProjects.length === 0 ? <li className="ph-subtle">None yet</li> : null}
                </ul>
                <SonarProjectPicker
                  connections={sonarConnections}
                  busy={busy}
                  onAdd={(target) => void run('mapProject', target)}
                />
              </div>
            </div>
          );
        }}
      </AsyncView>
    </section>
  );
}
