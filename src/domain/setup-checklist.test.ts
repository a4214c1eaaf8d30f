import type { Connection, IssueLink, Product } from './model';
import { buildSetupChecklist, SETUP_STEP_IDS, type SetupFacts } from './setup-checklist';

const at = '2026-03-01T10:00:00.000Z';

const sentry: Connection = {
  id: 'sentry-acme',
  kind: 'sentry',
  region: 'us',
  organizationSlug: 'acme',
  label: 'Acme',
  paused: false,
  hasToken: true,
  hasWebhookSecret: true,
  createdAt: at,
  updatedAt: at,
};
const sonar: Connection = {
  id: 'sonarcloud-acme',
  kind: 'sonarcloud',
  organizationKey: 'acme',
  label: 'Acme',
  paused: false,
  hasToken: true,
  hasWebhookSecret: true,
  createdAt: at,
  updatedAt: at,
};
const product: Product = {
  id: 'shop',
  name: 'Shop',
  parentId: null,
  priority: 'high',
  owningTeam: null,
  createdAt: at,
  updatedAt: at,
};
const mappedShop = { jira: 'shop', sentry: 'shop', sonarcloud: null };
const link: IssueLink = {
  sentryIssueId: '42',
  jiraIssueId: '10001',
  connectionId: 'sentry-acme',
  origin: 'manual',
  lastSyncedSentryStatus: null,
  lastSyncedJiraStatusId: null,
  createdAt: at,
  createdBy: 'account-1',
};

const empty: SetupFacts = {
  connections: [],
  moreConnections: false,
  products: [],
  moreProducts: false,
  mapped: { jira: null, sentry: null, sonarcloud: null },
  link: null,
  milestones: {},
};

describe('setup checklist', () => {
  it('has nothing done on an empty store, and the first step next', () => {
    const view = buildSetupChecklist(empty);
    expect(view.steps.map((step) => step.id)).toEqual([...SETUP_STEP_IDS]);
    expect(view.doneCount).toBe(0);
    expect(view.nextStepId).toBe('connection-added');
    expect(view.steps.every((step) => step.detail.length > 0)).toBe(true);
  });

  it('ticks each step as its fact appears, in order', () => {
    const tested = { ...sentry, lastTest: { at, ok: true, summary: 'ok' } };
    const stages: SetupFacts[] = [
      { ...empty, connections: [sentry] },
      { ...empty, connections: [tested] },
      {
        ...empty,
        connections: [tested],
        milestones: { 'webhook-received': { connections: { 'sentry-acme': { at } } } },
      },
    ];
    stages.push({ ...stages[2]!, products: [product] });
    stages.push({ ...stages[3]!, mapped: mappedShop });
    stages.push({
      ...stages[4]!,
      milestones: { ...stages[4]!.milestones, 'first-sync': { connections: { 'sentry-acme': { at } } } },
    });
    stages.push({ ...stages[5]!, link });
    stages.forEach((facts, index) => {
      const view = buildSetupChecklist(facts);
      expect(view.doneCount).toBe(index + 1);
      expect(view.steps.map((step) => step.done)).toEqual(SETUP_STEP_IDS.map((_, step) => step <= index));
      expect(view.nextStepId).toBe(SETUP_STEP_IDS[index + 1] ?? null);
    });
  });

  it('asks for a test of every connection, and says which failed', () => {
    const view = buildSetupChecklist({
      ...empty,
      connections: [
        { ...sentry, lastTest: { at, ok: false, summary: 'Sentry rejected the token (401)' } },
        sonar,
      ],
    });
    const step = view.steps.find((item) => item.id === 'connection-tested');
    expect(step?.done).toBe(false);
    expect(step?.detail).toBe('Last test failed: Sentry Acme. Not tested yet: SonarCloud Acme.');
    expect(view.connections[0]?.lastTest?.summary).toMatch(/401/);
  });

  it('needs a mapped Jira project and a mapped Sentry or SonarCloud project', () => {
    const detail = (mapped: SetupFacts['mapped']) =>
      buildSetupChecklist({ ...empty, products: [product], mapped }).steps.find(
        (step) => step.id === 'projects-mapped',
      );
    expect(detail({ jira: 'shop', sentry: null, sonarcloud: null })).toMatchObject({
      done: false,
      detail: 'A Jira project maps to Shop, but no Sentry or SonarCloud project is mapped yet.',
    });
    expect(detail({ jira: null, sentry: null, sonarcloud: 'shop' })).toMatchObject({
      done: false,
      detail: expect.stringMatching(/^A SonarCloud project maps to Shop, but no Jira project yet/),
    });
    expect(detail({ jira: 'shop', sentry: null, sonarcloud: 'gone' })).toMatchObject({
      done: true,
      detail: 'A Jira project maps to Shop, a SonarCloud project to a product.',
    });
  });

  it('counts nothing of a connection being removed, nor milestones of connections that are gone', () => {
    const view = buildSetupChecklist({
      ...empty,
      connections: [{ ...sentry, removingSince: at }],
      milestones: {
        'webhook-received': { connections: { 'sentry-acme': { at }, 'sentry-old': { at } } },
        'first-sync': { connections: { 'sentry-old': { at } } },
      },
    });
    expect(view.connections).toEqual([]);
    expect(view.doneCount).toBe(0);
  });

  it('ends a sentence once after a name that ends with a period', () => {
    const view = buildSetupChecklist({ ...empty, connections: [{ ...sentry, label: 'Acme Inc.' }] });
    expect(view.steps[0]?.detail).toBe('1 connection: Sentry Acme Inc.');
  });

  it('says "at least" when a listing held more than one page', () => {
    const view = buildSetupChecklist({ ...empty, connections: [sentry, sonar], moreConnections: true });
    expect(view.partial).toBe(true);
    expect(view.steps[0]?.detail).toBe('At least 2 connections: Sentry Acme and SonarCloud Acme.');
  });
});
