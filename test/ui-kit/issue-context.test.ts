// The issue context (UI Kit) rendered through @forge/react's own reconciler, as the package's tests do:
// the reconciler sends the document it renders over the bridge (`reconcile`), and this test stands in
// for the host on that bridge, answering `invoke` from the app's real resolver in the local runtime.
// Each case reads what Jira would render: component types and their text.
import type { ReactElement } from 'react';
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { createMinimalJira, createTestRuntime } from '../../sandbox/runtime';
import { issueContextResolverDefinitions } from '../../src/entry/resolvers/issue-context';
import { refreshProductHealth } from '../../src/services/health/refresh-product-health';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import {
  createProduct,
  linkIssues,
  listProductMappings,
  recordWrittenIssueProperty,
  saveJiraProjectQualityView,
  saveSentrySnapshots,
  saveSonarSnapshot,
  setProductMapping,
  unlinkIssues,
} from '../../src/storage';
import { sentrySnapshot } from '../snapshot-kit';

interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
}
interface BridgeCall {
  cmd: string;
  data: unknown;
}

const accountId = 'account-1';
const extension = {
  type: 'jira:issueContext',
  issue: { id: '30001', key: 'DEMO-1' },
  project: { id: '10000', key: 'DEMO' },
};
const calls: BridgeCall[] = [];
let runtime: LocalForgeRuntime;

// The host side of the bridge, installed before @forge/bridge loads (it keeps the function it finds).
const scope = globalThis as unknown as Record<string, unknown>;
scope.self = globalThis;
scope.__bridge = {
  callBridge: async (cmd: string, data: unknown) => {
    calls.push({ cmd, data });
    if (cmd === 'invoke') {
      const { functionKey, payload } = data as { functionKey: string; payload?: unknown };
      return runtime.invokeResolver('issue-context-fn', functionKey, payload ?? {}, { accountId, extension });
    }
    if (cmd === 'reconcile' || cmd === 'navigate') return undefined;
    throw new Error(`The issue context made an unexpected bridge call "${cmd}".`);
  },
};

const APP_MODULE = '../../static/ui-kit/issue-context/App';

async function loadApp() {
  const React = await import('react');
  const { default: ForgeReconciler } = await import('@forge/react');
  // A TSX module: the root tsconfig has no JSX, so it is loaded by path (static/ui-kit has its own check).
  const { IssueContext } = (await import(APP_MODULE)) as { IssueContext: () => ReactElement };
  return { render: (element: ReactElement) => ForgeReconciler.render(element), React, IssueContext };
}

function lastDoc(): ForgeDoc | null {
  for (let index = calls.length - 1; index >= 0; index -= 1) {
    const call = calls[index];
    if (call?.cmd === 'reconcile') return (call.data as { forgeDoc: ForgeDoc }).forgeDoc;
  }
  return null;
}

function textOf(doc: ForgeDoc): string {
  if (doc.type === 'String') return String(doc.props.text);
  const inner = doc.children.map(textOf).join(doc.type === 'Inline' || doc.type === 'Stack' ? ' | ' : '');
  return inner;
}

function find(doc: ForgeDoc, type: string): ForgeDoc[] {
  return [...(doc.type === type ? [doc] : []), ...doc.children.flatMap((child) => find(child, type))];
}

/** Renders the issue context and waits until it has left "Loading" (no timing: the bridge's answer). */
async function renderIssueContext(): Promise<ForgeDoc> {
  const { render, React, IssueContext } = await loadApp();
  calls.length = 0;
  runtime.kvs.resetCounters();
  render(React.createElement(IssueContext));
  for (let turn = 0; turn < 1_000; turn += 1) {
    const doc = lastDoc();
    if (doc && !textOf(doc).includes('Loading')) return doc;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`The issue context never left "Loading": ${JSON.stringify(lastDoc())}`);
}

function useJira(permissions: string[]): void {
  runtime.setJiraHandler(createMinimalJira({ userPermissions: { [accountId]: permissions } }).handler);
}

async function mapProduct(): Promise<void> {
  await createProduct({ id: 'checkout', name: 'Checkout', priority: 'critical', owningTeam: 'Payments' });
  await setProductMapping('checkout', {
    jiraProjectIds: ['10000'],
    sentryProjects: [],
    sonarProjects: [{ connectionId: 'sonar-conn', projectKey: 'acme_web' }],
  });
  await saveSonarSnapshot({
    connectionId: 'sonar-conn',
    projectKey: 'acme_web',
    projectName: 'Acme Web',
    branch: 'main',
    qualityGate: 'ERROR',
    failingConditions: [],
    measures: { coverage: '61', reliability_rating: '3.0', security_rating: '1.0', sqale_rating: '1.0' },
    analysedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });
  await refreshProductHealth(await listProductMappings());
}

async function linkSummary(): Promise<void> {
  // The record the issue property refresh keeps current wherever links or their snapshots change.
  await recordWrittenIssueProperty('30001', {
    linkedCount: 3,
    worstLevel: 'fatal',
    status: 'unresolved',
    events14d: 40_000,
    users14d: 1_240,
    lastSeen: new Date().toISOString(),
  });
}

beforeEach(() => {
  runtime = createTestRuntime({ appModule: { issueContextResolver: issueContextResolverDefinitions } });
  useJira(['BROWSE_PROJECTS']);
});

it('shows the grade, the linked Sentry issues and the quality gate, read in one KVS round trip', async () => {
  await mapProduct();
  await linkSummary();
  const doc = await renderIssueContext();
  expect(runtime.kvs.counters.operations).toBe(1);
  expect(runtime.kvs.counters.byPath).toEqual({ '/api/v1/batch/get': 1 });

  const text = textOf(doc);
  expect(text).toContain('Grade');
  expect(text).toContain('Checkout');
  expect(text).toContain('3 linked issues');
  expect(text).toContain('1,240 users affected in 14 days');
  expect(text).toContain('Quality gate');
  const lozenges = find(doc, 'Lozenge').map((lozenge) => ({
    text: textOf(lozenge),
    appearance: lozenge.props.appearance,
  }));
  expect(lozenges).toEqual([
    { text: expect.stringMatching(/^(A\+|A|B|C|D|F)$/), appearance: expect.any(String) },
    { text: 'fatal', appearance: 'removed' },
    { text: 'Failed', appearance: 'removed' },
  ]);

  // One click to the panel: the button navigates to the issue panel module.
  const [button] = find(doc, 'Button');
  expect(button && textOf(button)).toBe('Open the Product health panel');
  (button?.props.onClick as () => void)();
  expect(calls.filter((call) => call.cmd === 'navigate').map((call) => call.data)).toEqual([
    { target: 'module', moduleKey: 'product-health-issue-panel', type: 'same-tab' },
  ]);
});

it('says there are no linked Sentry issues when none is linked', async () => {
  await mapProduct();
  const text = textOf(await renderIssueContext());
  expect(text).toContain('No linked Sentry issues');
  expect(text).not.toContain('users affected');
  expect(text).toContain('Grade');
});

it('says no product maps the project, and shows no grade or gate', async () => {
  await linkSummary();
  const doc = await renderIssueContext();
  const text = textOf(doc);
  expect(text).toContain('No product maps this Jira project');
  expect(text).not.toContain('Grade');
  expect(text).not.toContain('Quality gate');
  expect(text).toContain('3 linked issues');
});

it('shows nothing of the issue to a caller who cannot browse it, and reads no storage', async () => {
  await mapProduct();
  await linkSummary();
  useJira([]);
  const doc = await renderIssueContext();
  expect(runtime.kvs.counters.operations).toBe(0);
  const [message] = find(doc, 'SectionMessage');
  expect(message?.props.appearance).toBe('error');
  const text = textOf(doc);
  expect(text).toContain('BROWSE_PROJECTS');
  expect(text).not.toContain('linked issue');
  expect(text).not.toContain('Checkout');
});

function sentryIssue(id: string, overrides: Partial<SentryIssueSnapshot>): SentryIssueSnapshot {
  const at = new Date().toISOString();
  return sentrySnapshot(id, { culprit: null, firstRelease: null, lastRelease: null, ...overrides }, at);
}

it('counts the links the issue panel view holds, written with the links: an unlink shows at once', async () => {
  await mapProduct();
  await saveSentrySnapshots([
    sentryIssue('1', { level: 'warning', users14d: 7 }),
    sentryIssue('2', { level: 'fatal', users14d: 1_000 }),
  ]);
  for (const sentryIssueId of ['1', '2']) {
    await linkIssues({
      sentryIssueId,
      jiraIssueId: '30001',
      connectionId: 'sentry-conn',
      origin: 'manual',
      createdBy: accountId,
    });
  }
  let doc = await renderIssueContext();
  expect(runtime.kvs.counters.byPath).toEqual({ '/api/v1/batch/get': 1 });
  expect(textOf(doc)).toContain('2 linked issues');
  expect(textOf(doc)).toContain('1,007 users affected in 14 days');
  expect(find(doc, 'Lozenge').map(textOf)).toContain('fatal');

  await unlinkIssues('2', '30001');
  doc = await renderIssueContext();
  expect(textOf(doc)).toContain('1 linked issue');
  expect(textOf(doc)).toContain('7 users affected in 14 days');
  expect(find(doc, 'Lozenge').map(textOf)).toContain('warning');
});

it("takes the quality gate from the issue panel's quality view when it has one (rebuilt on each analysis)", async () => {
  await mapProduct();
  await saveJiraProjectQualityView({
    schema: 1,
    jiraProjectId: '10000',
    branches: [
      {
        ref: { connectionId: 'sonar-conn', projectKey: 'acme_web', branch: 'main' },
        projectName: 'Acme Web',
        qualityGate: 'OK',
        failing: [],
        measures: [],
        analysedAt: new Date().toISOString(),
      },
    ],
    builtAt: new Date().toISOString(),
  });
  const doc = await renderIssueContext();
  expect(runtime.kvs.counters.operations).toBe(1);
  expect(find(doc, 'Lozenge').map(textOf)).toContain('Passed');
  expect(textOf(doc)).not.toContain('failing');
});
