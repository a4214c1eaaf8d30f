// For admins: a full backfill of one mapped Sentry project (every issue of the last 90 days, not only what
// changed), after a confirmation, then its progress as each part of it reports, polled until it ends.
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import type { SentryProjectRef } from '../../../../../src/domain/model';
import type { BackfillRun } from '../../../../../src/domain/sentry-impact-views';
import { callResolver } from '../../../shared/bridge';
import { ConfirmModal } from '../../../shared/components/ConfirmModal';
import { TimeAgo } from '../../../shared/components/Text';
import { formatCount } from '../../../shared/format';
import { usePolling } from './use-impact';
import { ProgressBar } from './ProgressBar';

const POLL_MS = 2_000;

const stateWords: Record<
  BackfillRun['state'],
  { text: string; appearance: 'default' | 'inprogress' | 'success' | 'removed' | 'moved' }
> = {
  queued: { text: 'Queued', appearance: 'default' },
  running: { text: 'Running', appearance: 'inprogress' },
  done: { text: 'Done', appearance: 'success' },
  failed: { text: 'Failed', appearance: 'removed' },
  skipped: { text: 'Skipped', appearance: 'moved' },
};

const isActive = (run: BackfillRun | null): boolean => run?.state === 'queued' || run?.state === 'running';

export function BackfillControl({
  project,
  run: initial,
  onFinished,
}: {
  project: SentryProjectRef;
  run: BackfillRun | null;
  /** A backfill ended: the issues it stored may change the table. */
  onFinished: () => void;
}) {
  const [run, setRun] = useState<BackfillRun | null>(initial);
  const [confirming, setConfirming] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // A newer record from a page refresh wins over what this control last polled.
  useEffect(() => {
    if (initial && (!run || initial.updatedAt > run.updatedAt || initial.runId !== run.runId))
      setRun(initial);
  }, [initial]);

  usePolling(isActive(run), POLL_MS, async () => {
    try {
      const latest = await callResolver<BackfillRun | null>('getBackfillProgress', {
        connectionId: project.connectionId,
        projectId: project.projectId,
      });
      setError(null);
      setRun(latest);
      if (latest && !isActive(latest)) onFinished();
    } catch (pollError) {
      setError(
        `Could not read the backfill's progress just now (${pollError instanceof Error ? pollError.message : String(pollError)}); trying again.`,
      );
    }
  });

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      setRun(
        await callResolver<BackfillRun>('backfillSentryProject', {
          connectionId: project.connectionId,
          projectId: project.projectId,
        }),
      );
      setConfirming(false);
    } catch (startError) {
      setError(startError instanceof Error ? startError.message : String(startError));
      setConfirming(false);
    }
    setStarting(false);
  };

  const active = isActive(run);
  const words = run ? stateWords[run.state] : null;
  return (
    <div className="ph-si-backfill" data-testid="backfill" data-state={run?.state ?? 'none'}>
      <div className="ph-si-backfill__row">
        <Button onClick={() => setConfirming(true)} isDisabled={active || starting} testId="backfill-start">
          Backfill
        </Button>
        {run && words ? (
          <span className="ph-si-backfill__status ph-wrap" data-testid="backfill-status">
            <Lozenge appearance={words.appearance}>{words.text}</Lozenge>{' '}
            {`${run.parts === 0 ? 'waiting for its first part' : `${formatCount(run.parts)} part${run.parts === 1 ? '' : 's'}`} · ${formatCount(run.fetched)} issues read · ${formatCount(run.changed)} changed · ${formatCount(run.failed)} failed · asked `}
            <TimeAgo iso={run.requestedAt} />
          </span>
        ) : (
          <span className="ph-subtle">Never backfilled from here.</span>
        )}
      </div>
      {active ? <ProgressBar label={`Backfill of ${project.projectSlug} running`} /> : null}
      {run?.message && (run.state === 'failed' || run.state === 'skipped' || active) ? (
        <p className={`ph-wrap ${run.state === 'failed' ? 'ph-si-error' : 'ph-subtle'}`}>{run.message}</p>
      ) : null}
      {error ? (
        <p className="ph-si-error ph-wrap" role="alert" data-testid="backfill-error">
          {error}
        </p>
      ) : null}
      {confirming ? (
        <ConfirmModal
          title={`Backfill ${project.projectSlug}?`}
          appearance="warning"
          confirmLabel="Backfill"
          onConfirm={() => void start()}
          onClose={() => setConfirming(false)}
          isConfirming={starting}
          testId="backfill-confirm"
        >
          <p className="ph-wrap">
            Reads every issue of Sentry project {project.projectSlug} from the last 90 days again, not only
            what changed since the last sync, and stores what differs. It runs in the background in parts, one
            page of 100 issues after another, and counts against the Sentry token's rate limit; the regular
            sync goes on meanwhile. Use it after a long pause or when issues look out of date.
          </p>
        </ConfirmModal>
      ) : null}
    </div>
  );
}
