// The confirmation before a connection is removed: it counts what goes with it (mappings, snapshots,
// history, links, rule records), then removes all of it, calling the server again while it reports
// more to do, so a large connection is removed in several invocations with its progress shown.
import { useState } from 'react';
import type {
  ConnectionRemovalPreview,
  ConnectionRemovalProgress,
} from '../../../../../src/domain/connection-settings';
import type { Connection } from '../../../../../src/domain/model';
import { callResolver } from '../../../shared/bridge';
import { AsyncView } from '../../../shared/components/AsyncView';
import { ConfirmModal } from '../../../shared/components/ConfirmModal';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { messageOf } from '../../../shared/components/Notice';
import { formatCount } from '../../../shared/format';
import { useResolver } from '../../../shared/use-resolver';

/** Stops a removal that keeps answering "not done" without removing anything (it should never). */
const MAX_CALLS_WITHOUT_PROGRESS = 3;

function count(value: number, one: string, many: string, atLeast: boolean): string {
  return `${atLeast && value > 0 ? 'at least ' : ''}${formatCount(value)} ${value === 1 ? one : many}`;
}

function WhatGoes({ preview }: { preview: ConnectionRemovalPreview }) {
  const sentry = preview.kind === 'sentry';
  const projects = sentry ? 'Sentry project' : 'SonarCloud project';
  const lines = [
    `${count(preview.mappedProjects, `${projects} mapped to a product`, `${projects}s mapped to products`, false)}` +
      (preview.products.length > 0 ? ` (${preview.products.join(', ')})` : ''),
    sentry
      ? count(preview.snapshots, 'Sentry issue snapshot', 'Sentry issue snapshots', preview.atLeast)
      : count(
          preview.snapshots,
          'SonarCloud project snapshot',
          'SonarCloud project snapshots',
          preview.atLeast,
        ),
    count(preview.historyPoints, 'daily trend point', 'daily trend points', preview.atLeast),
    ...(sentry
      ? [
          `${count(preview.links, 'link', 'links', false)} between its Sentry issues and ${count(preview.linkedJiraIssues, 'Jira issue', 'Jira issues', false)}` +
            (preview.linksMadeByRules > 0 ? ` (${formatCount(preview.linksMadeByRules)} made by rules)` : ''),
        ]
      : []),
    count(
      preview.ruleFirings,
      'record of what a rule created for its items',
      'records of what rules created for its items',
      preview.atLeast,
    ),
    'its token and webhook secret',
  ];
  return (
    <div data-testid="removal-preview">
      <p>Removing it removes, for good:</p>
      <ul className="ph-removal-list">
        {lines.map((line) => (
          <li key={line} className="ph-wrap">
            {line}
          </li>
        ))}
      </ul>
      {preview.rulesLeftWithoutSource.length > 0 ? (
        <InlineMessage appearance="warning" title="Rules left with nothing to watch">
          These rules stay (they belong to products and Jira projects) but no {projects} of theirs is left:{' '}
          {preview.rulesLeftWithoutSource.join(', ')}.
        </InlineMessage>
      ) : null}
      <p className="ph-subtle">
        {sentry ? 'Jira issues stay in Jira (only their links go). ' : ''}The sync log keeps its entries about
        it.
      </p>
    </div>
  );
}

export function RemoveConnectionModal({
  connection,
  onClose,
  onRemoved,
}: {
  connection: Connection;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const preview = useResolver<ConnectionRemovalPreview>('getConnectionRemovalPreview', {
    connectionId: connection.id,
  });
  const [removing, setRemoving] = useState(false);
  const [removed, setRemoved] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const service = connection.kind === 'sentry' ? 'Sentry' : 'SonarCloud';

  const remove = async () => {
    setRemoving(true);
    setError(null);
    let total = 0;
    let idle = 0;
    try {
      for (;;) {
        const step = await callResolver<ConnectionRemovalProgress>('removeConnection', {
          connectionId: connection.id,
        });
        total += step.removed;
        setRemoved(total);
        if (step.done) break;
        idle = step.removed === 0 ? idle + 1 : 0;
        if (idle >= MAX_CALLS_WITHOUT_PROGRESS) {
          throw new Error(
            `The removal stopped making progress at ${step.remaining ?? 'its last step'}: try again.`,
          );
        }
      }
      onRemoved();
    } catch (caught) {
      setError(
        `${messageOf(caught)} The connection stays marked "removal not finished" until Remove completes; ` +
          'nothing else changes meanwhile.',
      );
      setRemoving(false);
    }
  };

  return (
    <ConfirmModal
      title={`Remove ${service} ${connection.label}?`}
      confirmLabel="Remove it and all of this"
      onConfirm={() => void remove()}
      onClose={onClose}
      isConfirming={removing}
      isConfirmDisabled={preview.state.status !== 'ready'}
      testId="remove-connection-modal"
    >
      <AsyncView query={preview} what="what goes with it">
        {(data) => <WhatGoes preview={data} />}
      </AsyncView>
      {removing ? (
        <p role="status" className="ph-subtle">
          Removing… {formatCount(removed)} records so far.
        </p>
      ) : null}
      {error ? (
        <InlineMessage appearance="error" title="Not fully removed">
          {error}
        </InlineMessage>
      ) : null}
    </ConfirmModal>
  );
}
