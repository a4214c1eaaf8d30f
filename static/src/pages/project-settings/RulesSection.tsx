// The automation rules of this Jira project: each in words, with what it created (Jira keys linking to
// the issues), its dry run, switching it on or off, editing, and deleting after a confirmation.
import { useState, type MouseEvent } from 'react';
import { router } from '@forge/bridge';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import type { AutomationRule } from '../../../../src/domain/model';
import type { DryRunView } from '../../../../src/domain/project-settings-views';
import type { ProjectRulesView } from '../../../../src/domain/project-settings-views';
import type { RuleCreations } from '../../../../src/domain/project-settings-views';
import type { RuleOptionsView } from '../../../../src/domain/project-settings-views';
import { callResolver } from '../../shared/bridge';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { ConfirmModal } from '../../shared/components/ConfirmModal';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { messageOf } from '../../shared/components/Notice';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { useResolver, type ResolverQuery } from '../../shared/use-resolver';
import { DryRunPanel } from './DryRunPanel';
import { RuleEditor } from './RuleEditor';
import { actionInWords, draftOf, newDraft, ruleWhenInWords, type RuleDraft } from './rule-draft';

type CardNotice = { kind: 'success' | 'error'; text: string } | null;

const JIRA_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;

/** A Jira issue of this site: the href shows where it leads; a click opens it through Jira (no prompt). */
function JiraIssueLink({ issueKey, siteUrl }: { issueKey: string; siteUrl: string }) {
  if (!JIRA_KEY.test(issueKey)) return <span>{issueKey}</span>;
  const path = `/browse/${issueKey}`;
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    void router.open(path);
  };
  return (
    <a href={/^https:\/\/[^/]+$/.test(siteUrl) ? `${siteUrl}${path}` : path} onClick={onClick}>
      {issueKey}
    </a>
  );
}

function Created({ created, siteUrl }: { created: RuleCreations | undefined; siteUrl: string }) {
  if (!created || created.issues.length === 0) return <Subtle>Has created no Jira issue yet.</Subtle>;
  return (
    <div data-testid="rule-created">
      <Subtle>
        Created {created.issues.length}
        {created.more ? '+' : ''} Jira issue{created.issues.length === 1 && !created.more ? '' : 's'}:
      </Subtle>{' '}
      <ul className="ph-inline-list">
        {created.issues.map((issue) => (
          <li key={issue.jiraIssueId}>
            <JiraIssueLink issueKey={issue.jiraIssueKey} siteUrl={siteUrl} />{' '}
            <Subtle>
              <TimeAgo iso={issue.createdAt} />
            </Subtle>
          </li>
        ))}
      </ul>
    </div>
  );
}

function RuleCard({
  rule,
  created,
  options,
  products,
  siteUrl,
  onEdit,
  onChanged,
  onDelete,
}: {
  rule: AutomationRule;
  created: RuleCreations | undefined;
  options: RuleOptionsView | null;
  products: Array<{ id: string; name: string }>;
  siteUrl: string;
  onEdit: () => void;
  onChanged: (rule: AutomationRule) => void;
  onDelete: () => void;
}) {
  const [busy, setBusy] = useState<'toggle' | 'dry-run' | null>(null);
  const [notice, setNotice] = useState<CardNotice>(null);
  const [dryRun, setDryRun] = useState<DryRunView | null>(null);
  const scope =
    'productId' in rule.scope
      ? `the projects of product ${products.find((product) => product.id === (rule.scope as { productId: string }).productId)?.name ?? 'no longer mapped here'}`
      : 'the projects of every product this Jira project belongs to';
  const creates = actionInWords(rule.action, options);

  const toggle = async () => {
    setBusy('toggle');
    setNotice(null);
    try {
      const saved = await callResolver<AutomationRule>('setRuleEnabled', {
        id: rule.id,
        enabled: !rule.enabled,
      });
      onChanged(saved);
      setNotice({
        kind: 'success',
        text: saved.enabled
          ? 'Switched on: it fires for matching items as they next change.'
          : 'Switched off: it creates nothing until switched on again.',
      });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  };

  const runDry = async () => {
    setBusy('dry-run');
    setNotice(null);
    try {
      setDryRun(await callResolver<DryRunView>('dryRunRule', { ruleId: rule.id }));
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <article className="ph-card ph-rule" data-testid="rule-card" aria-label={`Rule ${rule.name}`}>
      <div className="ph-row">
        <h3 className="ph-wrap">{rule.name}</h3>
        {rule.enabled ? (
          <Lozenge appearance="success">On</Lozenge>
        ) : (
          <Lozenge appearance="default">Off</Lozenge>
        )}
        <Subtle>
          {rule.trigger.source === 'sentry' ? 'Sentry' : 'SonarCloud'} · changed{' '}
          <TimeAgo iso={rule.updatedAt} />
        </Subtle>
      </div>
      <p className="ph-wrap">
        {ruleWhenInWords(rule)} in {scope}, create {creates}.
      </p>
      <Created created={created} siteUrl={siteUrl} />
      {notice ? (
        <InlineMessage appearance={notice.kind} testId="rule-notice">
          {notice.text}
        </InlineMessage>
      ) : null}
      {dryRun ? <DryRunPanel result={dryRun} source={rule.trigger.source} creates={creates} /> : null}
      <div className="ph-row ph-buttons">
        <Button onClick={() => void runDry()} isLoading={busy === 'dry-run'}>
          Dry run
        </Button>
        <Button onClick={() => void toggle()} isLoading={busy === 'toggle'}>
          {rule.enabled ? 'Switch off' : 'Switch on'}
        </Button>
        <Button appearance="subtle" onClick={onEdit}>
          Edit
        </Button>
        <Button appearance="subtle" onClick={onDelete}>
          Delete
        </Button>
      </div>
    </article>
  );
}

export function RulesSection({ projectId, siteUrl }: { projectId: string; siteUrl: string }) {
  const rulesQuery = useResolver<ProjectRulesView>('listRules');
  const optionsQuery = useResolver<RuleOptionsView>('getRuleOptions');
  return (
    <AsyncView query={rulesQuery} what="the automation rules">
      {(view) => <Rules view={view} optionsQuery={optionsQuery} projectId={projectId} siteUrl={siteUrl} />}
    </AsyncView>
  );
}

function Rules({
  view,
  optionsQuery,
  projectId,
  siteUrl,
}: {
  view: ProjectRulesView;
  optionsQuery: ResolverQuery<RuleOptionsView>;
  projectId: string;
  siteUrl: string;
}) {
  const [rules, setRules] = useState(view.rules);
  const [editing, setEditing] = useState<RuleDraft | null>(null);
  const [deleting, setDeleting] = useState<AutomationRule | null>(null);
  const [busyDelete, setBusyDelete] = useState(false);
  const [notice, setNotice] = useState<CardNotice>(null);
  const options = optionsQuery.state.status === 'ready' ? optionsQuery.state.data : null;

  const saved = (rule: AutomationRule) => {
    setEditing(null);
    setNotice({
      kind: 'success',
      text: `Saved rule "${rule.name}"${rule.enabled ? ': it is on.' : ': it is off until you switch it on.'}`,
    });
    setRules((current) => [rule, ...current.filter((other) => other.id !== rule.id)]);
  };

  const remove = async (rule: AutomationRule) => {
    setBusyDelete(true);
    try {
      await callResolver('deleteRule', { id: rule.id });
      setRules((current) => current.filter((other) => other.id !== rule.id));
      setNotice({
        kind: 'success',
        text: `Deleted rule "${rule.name}". The Jira issues it created stay, with their links.`,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusyDelete(false);
      setDeleting(null);
    }
  };

  return (
    <Section
      title="Automation rules"
      actions={
        editing ? null : (
          <Button
            appearance="primary"
            isDisabled={options === null || options.issueTypes.length === 0}
            onClick={() => {
              setNotice(null);
              setEditing(newDraft(options?.issueTypes[0]?.id ?? null));
            }}
          >
            New rule
          </Button>
        )
      }
    >
      <p className="ph-subtle">
        A rule creates a Jira issue in this project for each Sentry issue or SonarCloud project that matches
        it, once per item, as changes arrive from webhooks and the scheduled sync.
      </p>
      {optionsQuery.state.status === 'error' ? (
        <InlineMessage appearance="error" title="Could not read this project's issue types from Jira">
          {optionsQuery.state.message}{' '}
          <Button appearance="subtle" onClick={optionsQuery.reload}>
            Try again
          </Button>
        </InlineMessage>
      ) : options?.problem ? (
        <InlineMessage appearance="warning">{options.problem}</InlineMessage>
      ) : null}
      {notice ? (
        <InlineMessage appearance={notice.kind} testId="rules-notice">
          {notice.text}
        </InlineMessage>
      ) : null}
      {editing && options ? (
        <RuleEditor
          initial={editing}
          projectId={projectId}
          options={options}
          products={view.products}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {rules.length === 0 && !editing ? (
        <EmptyState title="No automation rules in this project yet">
          <p>
            Create one to open Jira issues for new, frequent or regressing Sentry issues, or failing quality
            gates.
          </p>
        </EmptyState>
      ) : null}
      {rules.map((rule) => (
        <RuleCard
          key={rule.id}
          rule={rule}
          created={view.created[rule.id]}
          options={options}
          products={view.products}
          siteUrl={siteUrl}
          onEdit={() => {
            setNotice(null);
            setEditing(draftOf(rule));
          }}
          onChanged={(next) =>
            setRules((current) => current.map((other) => (other.id === next.id ? next : other)))
          }
          onDelete={() => setDeleting(rule)}
        />
      ))}
      {deleting ? (
        <ConfirmModal
          title={`Delete rule "${deleting.name}"?`}
          confirmLabel="Delete rule"
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(null)}
          isConfirming={busyDelete}
          testId="delete-rule"
        >
          <p>
            The rule stops creating Jira issues. The {view.created[deleting.id]?.issues.length ?? 0} Jira
            issue(s) it created stay, with their links to Sentry. This cannot be undone.
          </p>
        </ConfirmModal>
      ) : null}
    </Section>
  );
}
