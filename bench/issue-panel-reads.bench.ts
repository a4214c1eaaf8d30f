// What one issue panel view costs with the emulator's Forge-like KVS latency (20 ms per call): KVS calls,
// sequential round trips (counted by the local KVS, not derived from time), remote calls and time, for a
// Jira issue with 1, 21, 26 and 100 linked Sentry issues in a Jira project that maps 3 SonarCloud branches,
// and, for comparison, the first view after the project's quality view was removed (a mapping changed).
// Run: npx tsx bench/issue-panel-reads.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { kvs } from '@forge/kvs';
import { LocalForgeRuntime, useRuntime } from '../sandbox/runtime';
import type { SonarProjectSnapshot } from '../src/domain/model';
import { getIssuePanel } from '../src/services/issue-panel/get-issue-panel';
import { jiraProjectQualityViewKey } from '../src/storage';
import { benchSentryIssue, seedLinkedIssues } from './support/linked-issues';
import { printTable } from './support/table';

const KVS_LATENCY_MS = 20;
const LINK_COUNTS = [1, 21, 26, 100];
const runtime = new LocalForgeRuntime({ kvs: { latencyMs: 0 } });
useRuntime(runtime);
const at = new Date().toISOString();

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

async function setUp(): Promise<void> {
  await seedLinkedIssues({
    linkCounts: LINK_COUNTS,
    sentry: (id) => benchSentryIssue(id, at),
    sonar,
  });
}

interface Figures {
  calls: number;
  roundTrips: number;
  remote: number;
  ms: number;
  bytes: number;
}

async function measure(jiraIssueId: string, before?: () => Promise<void>): Promise<Figures> {
  runtime.kvs.latencyMs = 0;
  await before?.();
  runtime.metrics.reset();
  const counted = await runtime.kvs.countRoundTrips(() => getIssuePanel(jiraIssueId, '10000'));
  const remote = runtime.metrics.jiraRequests + runtime.metrics.externalRequests;
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    runtime.kvs.latencyMs = 0;
    await before?.();
    runtime.kvs.latencyMs = KVS_LATENCY_MS;
    const started = performance.now();
    await getIssuePanel(jiraIssueId, '10000');
    times.push(performance.now() - started);
  }
  runtime.kvs.latencyMs = 0;
  times.sort((a, b) => a - b);
  return {
    calls: counted.calls,
    roundTrips: counted.roundTrips,
    remote,
    ms: times[2] ?? 0,
    bytes: Buffer.byteLength(JSON.stringify(counted.result)),
  };
}

async function main(): Promise<void> {
  await setUp();
  await getIssuePanel('issue-1', '10000'); // builds the project's quality view
  const rows: Array<Array<string | number>> = [];
  const row = (label: string, figures: Figures) =>
    rows.push([
      label,
      figures.calls,
      figures.roundTrips,
      figures.remote,
      Math.round(figures.ms),
      figures.bytes,
    ]);
  for (const count of LINK_COUNTS) {
    row(`${count} linked Sentry issue${count === 1 ? '' : 's'}`, await measure(`issue-${count}`));
  }
  row(
    '21 links, first view after a mapping change (quality view rebuilt)',
    await measure('issue-21', () => kvs.delete(jiraProjectQualityViewKey('10000'))),
  );
  printTable(
    `Issue panel view, project mapping 3 SonarCloud branches, KVS latency ${KVS_LATENCY_MS} ms (median of 5)`,
    ['case', 'KVS calls', 'round trips', 'remote calls', 'ms', 'answer bytes'],
    rows,
  );
}

void main();
