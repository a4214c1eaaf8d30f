// Jira settings > Manage apps > Product health > Get started: the setup checklist, each step read from
// what the app stores (getSetupChecklist), ticked when done, with its action inline or one click away.
import { useCallback, useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import type { SetupChecklistView, SetupStepView } from '../../../../../src/domain/setup-checklist';
import { callResolver } from '../../../shared/bridge';
import { ErrorMessage, Loading } from '../../../shared/components/AsyncView';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { messageOf, NoticeLine } from '../../../shared/components/Notice';
import { Subtle, TimeAgo } from '../../../shared/components/Text';
import { OpenSettingsButton, StepActions } from './StepActions';
import './get-started.css';

type Read =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; view: SetupChecklistView };

function CheckMark() {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M6.4 11.2 3.2 8l1.1-1.1 2.1 2.1 5.3-5.3 1.1 1.1z" fill="currentColor" />
    </svg>
  );
}

function Step({
  step,
  index,
  isNext,
  view,
  onChanged,
}: {
  step: SetupStepView;
  index: number;
  isNext: boolean;
  view: SetupChecklistView;
  onChanged: () => void;
}) {
  return (
    <li
      className={`ph-setup-step${step.done ? ' is-done' : ''}${isNext ? ' is-next' : ''}`}
      data-testid="setup-step"
      data-step={step.id}
      data-done={String(step.done)}
    >
      <span className="ph-setup-step__marker" aria-hidden="true">
        {step.done ? <CheckMark /> : index + 1}
      </span>
      <div className="ph-setup-step__body">
        <div className="ph-setup-step__title">
          <h3 className="ph-wrap">
            <span className="ph-setup-hidden">{step.done ? 'Done: ' : 'To do: '}</span>
            {step.title}
          </h3>
          {step.done ? (
            <Lozenge appearance="success">done</Lozenge>
          ) : isNext ? (
            <Lozenge appearance="inprogress">next</Lozenge>
          ) : null}
          {step.done && step.at ? (
            <Subtle>
              <TimeAgo iso={step.at} />
            </Subtle>
          ) : null}
        </div>
        <p className="ph-wrap ph-setup-step__detail" data-testid="setup-step-detail">
          {step.detail}
        </p>
        <StepActions step={step} view={view} onChanged={onChanged} />
      </div>
    </li>
  );
}

export function GetStartedPage() {
  const [read, setRead] = useState<Read>({ status: 'loading' });
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);

  // Reads again without unmounting the steps, so an answer shown under a step (a test report) stays; a
  // failed read again keeps the checklist last read and says why beside Check again.
  const check = useCallback(async () => {
    setChecking(true);
    setCheckError(null);
    try {
      const view = await callResolver<SetupChecklistView>('getSetupChecklist');
      setRead({ status: 'ready', view });
    } catch (error) {
      const message = messageOf(error);
      setRead((current) => (current.status === 'ready' ? current : { status: 'error', message }));
      setCheckError(message);
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  return (
    <main className="ph-page ph-setup">
      <header>
        <h1>Get started with Product health</h1>
        <p>
          Seven steps from a new install to Sentry issues linked to Jira work. Each step is ticked by what the
          app sees: come back here at any time.
        </p>
      </header>
      {read.status === 'loading' ? <Loading label="Reading the setup…" /> : null}
      {read.status === 'error' ? (
        <ErrorMessage title="Could not read the setup" message={read.message}>
          <Button onClick={() => void check()}>Try again</Button>
        </ErrorMessage>
      ) : null}
      {read.status === 'ready' ? (
        <Checklist
          view={read.view}
          checking={checking}
          checkError={checkError}
          onChanged={() => void check()}
        />
      ) : null}
    </main>
  );
}

function Checklist({
  view,
  checking,
  checkError,
  onChanged,
}: {
  view: SetupChecklistView;
  checking: boolean;
  checkError: string | null;
  onChanged: () => void;
}) {
  const total = view.steps.length;
  return (
    <>
      <div className="ph-setup-summary">
        <div className="ph-setup-progress">
          <strong data-testid="setup-progress-text">
            {view.doneCount} of {total} steps done
          </strong>
          <div
            className="ph-setup-progress__track"
            role="progressbar"
            aria-label="Setup progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={view.doneCount}
          >
            <div className="ph-setup-progress__bar" style={{ width: `${(100 * view.doneCount) / total}%` }} />
          </div>
        </div>
        <div className="ph-setup-actions">
          <Button onClick={onChanged} isLoading={checking} testId="setup-check-again">
            Check again
          </Button>
          <OpenSettingsButton>Open settings</OpenSettingsButton>
        </div>
      </div>
      <NoticeLine notice={checkError ? { kind: 'error', text: checkError } : null} />
      {view.nextStepId === null ? (
        <InlineMessage appearance="success" title="Product health is set up" testId="setup-complete">
          <p>
            Every step is done. Link more issues from the Product health panel of any Jira issue, and see each
            project's health on its Product health page.
          </p>
        </InlineMessage>
      ) : null}
      {view.partial ? (
        <p className="ph-subtle">
          Counted from the first 100 connections and products; the steps still read every kind of record.
        </p>
      ) : null}
      <ol className="ph-setup-steps" aria-label="Setup steps">
        {view.steps.map((step, index) => (
          <Step
            key={step.id}
            step={step}
            index={index}
            isNext={step.id === view.nextStepId}
            view={view}
            onChanged={onChanged}
          />
        ))}
      </ol>
    </>
  );
}
