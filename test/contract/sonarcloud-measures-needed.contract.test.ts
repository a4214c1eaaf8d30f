// The measures the app needs are requested: the expected metric keys come from what the automation rules,
// the health model, the code-quality summary and the trends actually read (recorded while they evaluate a
// snapshot), never from the client's own list; the request that carries them is checked against SonarCloud's
// web-service list in reference/sonarcloud/. A client (or a sync) that stops asking for a measure a rule
// needs fails here, even when its constant and its own test agree with each other.
import type { RuleTrigger, SonarProjectSnapshot } from '../../src/domain/model';
import { branchPenalties } from '../../src/domain/health/model';
import { branchQuality } from '../../src/domain/health/quality-summary';
import { evaluateRule, evaluateSonarTrigger, ruleTriggerSchema } from '../../src/domain/rules';
import { sonarHistoryPoint } from '../../src/domain/snapshots';
import {
  addSonarConnection,
  drain,
  mapSonarProjects,
  runSchedule,
  SONAR_CONNECTION_ID,
  startSyncWorld,
} from '../integration/sync-kit';
import { SonarWebServiceContract } from './spec-contract';

/** A snapshot whose measures record every key read from them. */
function recordingSnapshot(read: Set<string>, value: string): SonarProjectSnapshot {
  const measures = new Proxy<Record<string, string>>(
    {},
    {
      get: (_target, key) => {
        if (typeof key === 'string') read.add(key);
        return value;
      },
      has: (_target, key) => {
        if (typeof key === 'string') read.add(key);
        return true;
      },
    },
  );
  return {
    connectionId: SONAR_CONNECTION_ID,
    projectKey: 'acme_backend',
    projectName: 'Backend',
    branch: 'main',
    qualityGate: 'ERROR',
    failingConditions: [],
    measures,
    analysedAt: '2026-03-10T10:00:00Z',
    updatedAt: '2026-03-10T10:00:00Z',
  };
}

/** Every SonarCloud trigger kind the rule schema accepts, with a sample threshold. */
function sonarTriggers(): RuleTrigger[] {
  const samples: RuleTrigger[] = [];
  for (const option of ruleTriggerSchema.options) {
    const { source, kind } = option.shape;
    if (source.value !== 'sonarcloud') continue;
    const candidate = ruleTriggerSchema.safeParse({
      source: 'sonarcloud',
      kind: kind.value,
      count: 1,
      points: 1,
      hours: 1,
    });
    if (!candidate.success) throw new Error(`no sample threshold fits the rule kind ${kind.value}`);
    samples.push(candidate.data as RuleTrigger);
  }
  return samples;
}

function keysRulesRead(): Set<string> {
  const read = new Set<string>();
  for (const trigger of sonarTriggers()) {
    for (const value of ['5', '50']) {
      evaluateSonarTrigger(
        trigger as Extract<RuleTrigger, { source: 'sonarcloud' }>,
        recordingSnapshot(read, value),
        recordingSnapshot(read, '1'),
      );
      evaluateRule(
        {
          id: 'r',
          name: 'r',
          scope: { productId: 'p' },
          trigger: { source: 'sonarcloud', kind: 'quality-gate-error' },
          conditions: [trigger],
          action: { jiraProjectId: '1', issueTypeId: '1', priorityId: null, labels: [], componentIds: [] },
          enabled: true,
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
        },
        {
          source: 'sonarcloud',
          current: recordingSnapshot(read, value),
          previous: recordingSnapshot(read, '1'),
        },
      );
    }
  }
  return read;
}

function keysPagesRead(): Set<string> {
  const read = new Set<string>();
  for (const value of ['1', '3', '80.5']) {
    branchPenalties(recordingSnapshot(read, value));
    branchQuality(
      { connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_backend', branch: 'main' },
      recordingSnapshot(read, value),
    );
    sonarHistoryPoint(new Date('2026-03-10T00:00:00Z'), recordingSnapshot(read, value));
  }
  return read;
}

/** The metric keys each measures request of a real scheduled sync asked for (the SonarCloud simulator saw them). */
async function keysTheSyncRequests(): Promise<{ keys: Set<string>; targets: string[] }> {
  const world = startSyncWorld();
  await addSonarConnection();
  await mapSonarProjects([{ projectKey: 'acme_backend', branch: 'main' }]);
  await runSchedule(world.runtime);
  await drain(world.runtime);
  const measures = world.sonarcloud.requestLog.entries.filter((entry) =>
    entry.path.endsWith('/api/measures/component'),
  );
  const keys = new Set<string>();
  for (const entry of measures) {
    const param = entry.query.metricKeys;
    for (const key of (Array.isArray(param) ? param.join(',') : (param ?? '')).split(','))
      if (key) keys.add(key);
  }
  const targets = measures.map((entry) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(entry.query))
      search.set(name, Array.isArray(value) ? value.join(',') : value);
    return `/api/measures/component?${search.toString()}`;
  });
  return { keys, targets };
}

describe('the measures the app needs are requested', () => {
  it('finds the measures each rule kind reads (a rule kind with a measure and none found would hide a gap)', () => {
    const rules = keysRulesRead();
    // Sanity of the recording, in SonarCloud's own metric names (reference: measures and webhook examples).
    expect([...rules].sort()).toEqual(
      expect.arrayContaining(['coverage', 'new_vulnerabilities', 'sqale_index']),
    );
  });

  it('a scheduled sync asks SonarCloud for every measure the rules and the pages read, in a documented request', async () => {
    const needed = new Set([...keysRulesRead(), ...keysPagesRead()]);
    const { keys, targets } = await keysTheSyncRequests();
    expect(targets.length).toBeGreaterThan(0);
    const missing = [...needed].filter((key) => !keys.has(key)).sort();
    expect(missing).toEqual([]);
    const contract = SonarWebServiceContract.fromReference();
    for (const target of targets) {
      expect(contract.check({ method: 'GET', target, headers: {}, body: undefined }).problems).toEqual([]);
    }
  });
});
