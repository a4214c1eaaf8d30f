// The warning before a product is deleted: it names what is mapped to it, its children and where they
// go, and the rules that go with it, as the server plans it (previewProductDeletion); the delete then
// does exactly that.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import type { ProductDeletionPreview, ProductDeletionResult } from '../../../../../src/domain/product-views';
import { AsyncView } from '../../../shared/components/AsyncView';
import { callResolver } from '../../../shared/bridge';
import { useResolver } from '../../../shared/use-resolver';
import { plural } from './tree';

function jiraName(project: ProductDeletionPreview['mapping']['jiraProjects'][number]): string {
  return project.key ? `${project.name ?? project.key} (${project.key})` : `Jira project ${project.id}`;
}

function Consequences({ preview }: { preview: ProductDeletionPreview }) {
  const { mapping } = preview;
  const mapped = [
    ...mapping.jiraProjects.map((project) => `Jira project ${jiraName(project)}`),
    ...mapping.sentryProjects.map((ref) => `Sentry project ${ref.projectSlug} (${ref.connectionLabel})`),
    ...mapping.sonarProjects.map(
      (ref) => `SonarCloud project ${ref.projectKey}, branch ${ref.branch} (${ref.connectionLabel})`,
    ),
  ];
  const destination = preview.newParent ? `under "${preview.newParent.name}"` : 'to the top level';
  return (
    <div className="ph-consequences" data-testid="delete-consequences">
      <h4>Mapped to it: unassigned by the delete</h4>
      {mapped.length === 0 ? (
        <p>Nothing is mapped to it.</p>
      ) : (
        <ul>
          {mapped.map((line) => (
            <li key={line} className="ph-wrap">
              {line}
            </li>
          ))}
        </ul>
      )}
      {preview.children.length === 0 ? (
        <>
          <h4>Its children</h4>
          <p>It has no child products.</p>
        </>
      ) : (
        <>
          <h4>Its children: they move up {destination}</h4>
          <ul>
            {preview.children.map((child) => (
              <li key={child.id} className="ph-wrap">
                {child.name} <span className="ph-subtle">keeps its own mappings</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>
        {preview.rules.length === 0 ? 'Automation rules' : 'Automation rules scoped to it: deleted with it'}
      </h4>
      {preview.rules.length === 0 ? (
        <p>No rule is scoped to it.</p>
      ) : (
        <ul>
          {preview.rules.map((rule) => (
            <li key={rule.id} className="ph-wrap">
              {rule.name}
            </li>
          ))}
        </ul>
      )}
      <p className="ph-subtle">
        Linked Jira issues and Sentry links stay as they are; the product&apos;s trend history is no longer
        shown and expires within 31 days.
      </p>
    </div>
  );
}

export function DeleteProductModal({
  productId,
  productName,
  onClose,
  onDeleted,
}: {
  productId: string;
  productName: string;
  onClose: () => void;
  onDeleted: (result: ProductDeletionResult) => void;
}) {
  const preview = useResolver<ProductDeletionPreview>('previewProductDeletion', { productId });
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = preview.state.status === 'ready' ? preview.state.data : null;
  const blocked = ready !== null && ready.blockers.length > 0;

  const confirm = async () => {
    setDeleting(true);
    setError(null);
    try {
      onDeleted(await callResolver<ProductDeletionResult>('deleteProduct', { productId }));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setDeleting(false);
    }
  };

  return (
    <Modal onClose={onClose} width="medium" label={`Delete ${productName}`} testId="delete-product-modal">
      <ModalHeader hasCloseButton>
        <ModalTitle appearance="danger">
          <span className="ph-wrap">Delete {productName}?</span>
        </ModalTitle>
      </ModalHeader>
      <ModalBody>
        <AsyncView query={preview} what="what the delete would change">
          {(data) => (
            <>
              {data.blockers.length > 0 ? (
                <SectionMessage appearance="warning" title="It cannot be deleted yet">
                  {data.blockers.map((blocker) => (
                    <p key={blocker} className="ph-wrap">
                      {blocker}
                    </p>
                  ))}
                </SectionMessage>
              ) : null}
              <Consequences preview={data} />
            </>
          )}
        </AsyncView>
        {error ? (
          <SectionMessage appearance="error" title="Nothing was deleted">
            <p className="ph-wrap">{error}</p>
          </SectionMessage>
        ) : null}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          Cancel
        </Button>
        <Button
          appearance="danger"
          onClick={() => void confirm()}
          isDisabled={ready === null || blocked}
          isLoading={deleting}
          testId="delete-product-confirm"
        >
          {ready ? `Delete, and ${summary(ready)}` : 'Delete'}
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function summary(preview: ProductDeletionPreview): string {
  const { jiraProjects, sentryProjects, sonarProjects } = preview.mapping;
  const unassigned = jiraProjects.length + sentryProjects.length + sonarProjects.length;
  const parts = [
    `unassign ${plural(unassigned, 'project')}`,
    ...(preview.children.length > 0
      ? [`move ${plural(preview.children.length, 'child', 'children')} up`]
      : []),
    ...(preview.rules.length > 0 ? [`delete ${plural(preview.rules.length, 'rule')}`] : []),
  ];
  return parts.join(', ');
}
