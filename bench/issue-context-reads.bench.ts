// What one issue context view (jira:issueContext) costs with the emulator's Forge-like KVS latency (20 ms
// per call): KVS calls, sequential round trips (counted by the local KVS, not derived from time), remote
// calls, time and answer size, for a Jira issue with 1, 26 and 100 linked Sentry issues in a project that
// maps 3 SonarCloud branches. The permission check (one Jira call as the user) is the resolver's, not
// measured here. Run: npx tsx bench/issue-context-reads.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { LocalForgeRuntime, useRuntime } from '../sandbox/runtime';
import type { SonarProjectSnapshot } from '../src/domain/model';
import { getIssueContext } from '../src/services/health/get-issue-context';
import { refreshProductHealth } from '../src/services/health/refresh-product-health';
import { listProductMappings } from '../src/storage';
import { benchSentryIssue, seedLinkedIssues } from './support/linked-issues';
import { printTable } from './support/table';

const KVS_LATENCY_MS = 20;
const LINK_COUNTS = [1, 26, 100];
const runtime = new LocalForgeRuntime({ kvs: { latencyMs: 0 } });
useRuntime(runtime);
const at = new Date().toISOString();

function sonar(projectKey: string): SonarProjectSnapshot {
  return {
    connectionId: 'sonar',
    projectKey,
    projectName: projectKey,
    branch: 'main',
    qualityGate: projectKey === 'web' ? 'ERROR' : 'OK',
    failingConditions: [],
    measures: { coverage: '61', reliability_rating: '3.0', security_rating: '1.0', sqale_rating: '2.0' },
    analysedAt: at,
    updatedAt: at,
  };
}

async function setUp(): Promise<void> {
  await seedLinkedIssues({
    linkCounts: LINK_COUNTS,
    sentry: (id) => benchSentryIssue(id, at, { level: Number(id) % 7 === 0 ? 'fatal' : 'error' }),
    sonar,
  });
  await refreshProductHealth(await listProductMappings());
}

async function main(): Promise<void> {
  await setUp();
  const rows: Array<Array<string | number>> = [];
  for (const count of LINK_COUNTS) {
    const jiraIssueId = `issue-${count}`;
    runtime.metrics.reset();
    const counted = await runtime.kvs.countRoundTrips(() => getIssueContext(jiraIssueId, '10000'));
    const remote = runtime.metrics.jiraRequests + runtime.metrics.externalRequests;
    const times: number[] = [];
    runtime.kvs.latencyMs = KVS_LATENCY_MS;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      await getIssueContext(jiraIssueId, '10000');
      times.push(performance.now() - started);
    }
    runtime.kvs.latencyMs = 0;
    times.sort((a, b) => a - b);
    if (counted.result.sentry.linkedCount !== count) {
      throw new Error(`issue-${count}: the context counted ${counted.result.sentry.linkedCount} links`);
    }
    rows.push([
      `${count} linked Sentry issue${count === 1 ? '' : 's'}`,
      counted.calls,
      counted.roundTrips,
      remote,
      Math.round(times[2] ?? 0),
      Buffer.byteLength(JSON.stringify(counted.result)),
    ]);
  }
  printTable(
    `Issue context view, project mapping 3 SonarCloud branches, KVS latency ${KVS_LATENCY_MS} ms (median of 5)`,
    ['case', 'KVS calls', 'round trips', 'remote calls', 'ms', 'answer bytes'],
    rows,
  );
}

void main();
