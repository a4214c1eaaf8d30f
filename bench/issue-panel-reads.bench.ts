// What the issue panel's one read costs with the emulator's Forge-like KVS latency (20 ms per call):
// KVS calls, sequential round trips (wall time ÷ latency, rounded down) and time, for an issue with 5 linked Sentry
// issues whose Jira project maps 0, 1, 3 or 12 SonarCloud branches (through 1 to 4 products), and with
// no project in context (the panel without its quality section).
// Run: npx tsx bench/issue-panel-reads.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { LocalForgeRuntime, useRuntime } from '../sandbox/runtime';
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../src/domain/model';
import { getIssuePanel } from '../src/services/get-issue-panel';
import {
  createProduct,
  linkIssues,
  saveSentrySnapshots,
  saveSonarSnapshot,
  setProductMapping,
} from '../src/storage';
import { printTable } from './support/table';

const KVS_LATENCY_MS = 20;
const runtime = new LocalForgeRuntime({ kvs: { latencyMs: 0 } });
useRuntime(runtime);
const at = new Date().toISOString();

function sentryIssue(id: string): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry',
    shortId: `WEB-${id}`,
    projectId: '1',
    projectSlug: 'web',
    title: 'TypeError',
    culprit: null,
    level: 'error',
    status: 'unresolved',
    substatus: null,
    events24h: 3,
    users24h: 2,
    events14d: 30,
    users14d: 9,
    eventsTotal: 90,
    usersTotal: 20,
    firstSeen: at,
    lastSeen: at,
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: at,
  };
}

function sonar(projectKey: string): SonarProjectSnapshot {
  return {
    connectionId: 'sonar',
    projectKey,
    projectName: projectKey,
    branch: 'main',
    qualityGate: 'ERROR',
    failingConditions: [
      { metricKey: 'coverage', comparator: 'LT', errorThreshold: '80', actualValue: '61', status: 'ERROR' },
    ],
    measures: { coverage: '61', bugs: '12', sqale_index: '4800', reliability_rating: '3.0' },
    analysedAt: at,
    updatedAt: at,
  };
}

/** Jira project `p<n>` maps `products` products of `perProduct` SonarCloud branches each. */
async function setUp(): Promise<Array<{ project: string; branches: number }>> {
  const layouts = [
    { products: 1, perProduct: 0 },
    { products: 1, perProduct: 1 },
    { products: 1, perProduct: 3 },
    { products: 4, perProduct: 3 },
  ];
  const ids = ['1', '2', '3', '4', '5'];
  await saveSentrySnapshots(ids.map(sentryIssue));
  for (const id of ids) {
    await linkIssues({
      sentryIssueId: id,
      jiraIssueId: '500',
      connectionId: 'sentry',
      origin: 'manual',
      createdBy: null,
    });
  }
  let key = 0;
  const projects: Array<{ project: string; branches: number }> = [];
  for (const [index, layout] of layouts.entries()) {
    const project = `p${index}`;
    for (let p = 0; p < layout.products; p++) {
      const productId = `${project}-product-${p}`;
      await createProduct({ id: productId, name: productId, priority: 'medium' });
      const keys = Array.from({ length: layout.perProduct }, () => `key_${(key += 1)}`);
      for (const projectKey of keys) await saveSonarSnapshot(sonar(projectKey));
      await setProductMapping(productId, {
        jiraProjectIds: [project],
        sentryProjects: [],
        sonarProjects: keys.map((projectKey) => ({ connectionId: 'sonar', projectKey })),
      });
    }
    projects.push({ project, branches: layout.products * layout.perProduct });
  }
  return projects;
}

async function measure(project: string | null): Promise<{ calls: number; ms: number; bytes: number }> {
  const runs: Array<{ calls: number; ms: number; bytes: number }> = [];
  for (let run = 0; run < 5; run++) {
    runtime.kvs.resetCounters();
    const started = performance.now();
    const view = await getIssuePanel('500', project);
    runs.push({
      calls: runtime.kvs.counters.operations,
      ms: performance.now() - started,
      bytes: Buffer.byteLength(JSON.stringify(view)),
    });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[2] ?? runs[0]!;
}

async function main(): Promise<void> {
  const projects = await setUp();
  runtime.kvs.latencyMs = KVS_LATENCY_MS;
  const rows: Array<Array<string | number>> = [];
  const row = (label: string, result: { calls: number; ms: number; bytes: number }) =>
    rows.push([
      label,
      result.calls,
      Math.floor(result.ms / KVS_LATENCY_MS),
      Math.round(result.ms),
      result.bytes,
    ]);
  row('no project in context (links only)', await measure(null));
  for (const { project, branches } of projects) {
    row(`project mapping ${branches} SonarCloud branch${branches === 1 ? '' : 'es'}`, await measure(project));
  }
  printTable(
    `Issue panel read, 5 linked Sentry issues, KVS latency ${KVS_LATENCY_MS} ms (median of 5)`,
    ['case', 'KVS calls', 'round trips', 'ms', 'answer bytes'],
    rows,
  );
}

void main();
