// The issue context's records: a Jira project's grade rolled up from the products it maps (a product
// mapped with its ancestor counts once), the worst quality gate of their branches, and the view.
import type {
  ProductMapping,
  SentryIssuePropertyValue,
  SonarProjectRef,
  SonarProjectSnapshot,
} from '../model';
import {
  buildJiraProjectContexts,
  issueContextView,
  sameProjectContext,
  UNMAPPED_MESSAGE,
} from './issue-context';
import { assessHealth } from './model';
import type { ProductHealthRecord } from './record';
import { rollUpHealth } from './rollup';
import { DEFAULT_HEALTH_WEIGHTS } from './weights';

const now = new Date('2026-11-29T12:00:00Z');

function sonar(projectKey: string, qualityGate: SonarProjectSnapshot['qualityGate'], coverage: string) {
  return {
    connectionId: 'sonar',
    projectKey,
    projectName: projectKey,
    branch: 'main',
    qualityGate,
    failingConditions: [],
    measures: { coverage, reliability_rating: '1.0', security_rating: '1.0', sqale_rating: '1.0' },
    analysedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  } satisfies SonarProjectSnapshot;
}

function record(
  productId: string,
  snapshot: SonarProjectSnapshot | null,
  ancestorIds: string[] = [],
): ProductHealthRecord {
  const own = assessHealth({
    sentry: { mappedProjects: 0, facts: null },
    sonar: { mappedBranches: snapshot ? 1 : 0, snapshots: snapshot ? [snapshot] : [] },
    jira: null,
    weights: DEFAULT_HEALTH_WEIGHTS,
  });
  return {
    productId,
    name: productId.toUpperCase(),
    priority: 'high',
    owningTeam: null,
    parentId: ancestorIds.at(-1) ?? null,
    ancestorIds,
    weights: DEFAULT_HEALTH_WEIGHTS,
    own,
    health: rollUpHealth(
      [{ productId, name: productId, priority: 'high', assessment: own }],
      DEFAULT_HEALTH_WEIGHTS,
    ),
    updatedAt: now.toISOString(),
  };
}

const ref = (projectKey: string): SonarProjectRef => ({ connectionId: 'sonar', projectKey, branch: 'main' });
const mapping = (productId: string, jiraProjectIds: string[], sonarKeys: string[]): ProductMapping => ({
  productId,
  jiraProjectIds,
  sentryProjects: [],
  sonarProjects: sonarKeys.map(ref),
  updatedAt: now.toISOString(),
});

const snapshots = new Map([
  ['web', sonar('web', 'ERROR', '40')],
  ['api', sonar('api', 'OK', '95')],
  ['docs', sonar('docs', 'NONE', '0')],
]);
const lookup = (r: SonarProjectRef) => snapshots.get(r.projectKey);

describe('buildJiraProjectContexts', () => {
  it('rolls up the products a Jira project maps and keeps their worst quality gate', () => {
    const records = new Map([
      ['web', record('web', snapshots.get('web') ?? null)],
      ['api', record('api', snapshots.get('api') ?? null)],
    ]);
    const [only, ...rest] = buildJiraProjectContexts({
      mappings: [mapping('web', ['10000'], ['web']), mapping('api', ['10000'], ['api', 'docs'])],
      records,
      sonarSnapshot: lookup,
      weights: DEFAULT_HEALTH_WEIGHTS,
      now,
    });
    expect(rest).toEqual([]);
    const both = rollUpHealth(
      [...records.values()].map((r) => ({
        productId: r.productId,
        name: r.name,
        priority: r.priority,
        assessment: r.health,
      })),
      DEFAULT_HEALTH_WEIGHTS,
    );
    expect(only).toMatchObject({
      jiraProjectId: '10000',
      productNames: ['API', 'WEB'],
      score: both.score,
      grade: both.grade,
      qualityGate: 'ERROR',
      // 'docs' has no analysis yet (NONE): mapped, not analysed.
      branches: { mapped: 3, analysed: 2, failing: 1 },
    });
    expect(only?.score).not.toBeNull();
  });

  it('counts a product mapped together with its ancestor only inside the ancestor', () => {
    const records = new Map([
      ['platform', record('platform', snapshots.get('api') ?? null)],
      ['web', record('web', snapshots.get('web') ?? null, ['platform'])],
    ]);
    const [context] = buildJiraProjectContexts({
      mappings: [mapping('platform', ['10000'], []), mapping('web', ['10000'], [])],
      records,
      sonarSnapshot: lookup,
      weights: DEFAULT_HEALTH_WEIGHTS,
      now,
    });
    expect(context?.productNames).toEqual(['PLATFORM']);
    expect(context?.score).toBe(records.get('platform')?.health.score);
  });

  it('writes one record per mapped Jira project, and none for a product that maps no Jira project', () => {
    const contexts = buildJiraProjectContexts({
      mappings: [mapping('web', ['2', '1'], ['web']), mapping('api', [], ['api'])],
      records: new Map([['web', record('web', snapshots.get('web') ?? null)]]),
      sonarSnapshot: lookup,
      weights: DEFAULT_HEALTH_WEIGHTS,
      now,
    });
    expect(contexts.map((context) => context.jiraProjectId)).toEqual(['1', '2']);
    expect(sameProjectContext(contexts[0], { ...contexts[0]!, updatedAt: 'later' })).toBe(true);
    expect(sameProjectContext(contexts[0], { ...contexts[0]!, grade: 'F' })).toBe(false);
  });
});

describe('issueContextView', () => {
  const summary: SentryIssuePropertyValue = {
    linkedCount: 2,
    worstLevel: 'fatal',
    status: 'unresolved',
    events14d: 40,
    users14d: 1240,
    lastSeen: now.toISOString(),
  };

  it('shows the summary, grade and gate', () => {
    const [project] = buildJiraProjectContexts({
      mappings: [mapping('web', ['10000'], ['web'])],
      records: new Map([['web', record('web', snapshots.get('web') ?? null)]]),
      sonarSnapshot: lookup,
      weights: DEFAULT_HEALTH_WEIGHTS,
      now,
    });
    const view = issueContextView(summary, project, 'panel');
    expect(view.product).toMatchObject({ status: 'ready', names: ['WEB'] });
    expect(view.sentry).toEqual({ linkedCount: 2, worstLevel: 'fatal', users14d: 1240, events14d: 40 });
    expect(view.quality).toEqual({ gate: 'ERROR', mapped: 1, analysed: 1, failing: 1 });
    expect(view.panelModuleKey).toBe('panel');
  });

  it('says so when no product maps the project, and counts nothing without a summary', () => {
    const view = issueContextView(undefined, undefined, 'panel');
    expect(view.product).toEqual({ status: 'unmapped', message: UNMAPPED_MESSAGE });
    expect(view.sentry).toEqual({ linkedCount: 0, worstLevel: null, users14d: 0, events14d: 0 });
    expect(view.quality).toBeNull();
  });

  it('shows no worst level when the linked issues are not synced yet', () => {
    expect(issueContextView({ ...summary, worstLevel: 'none' }, undefined, 'p').sentry.worstLevel).toBeNull();
  });
});
