// What one issue panel view costs with the emulator's Forge-like KVS latency (20 ms per call): KVS calls,
// sequential round trips (counted by the local KVS, not derived from time), remote calls and time, for a
// Jira issue with 1, 21, 26 and 100 linked Sentry issues in a Jira project that maps 3 SonarCloud branches,
// and, for comparison, the first view after the project's quality view was removed (a mapping changed).
// Run: npx tsx bench/issue-panel-reads.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { kvs } from '@forge/kvs';
import { LocalForgeRuntime, useRuntime } from '../sandbox/runtime';
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../src/domain/model';
import { getIssuePanel } from '../src/services/issue-panel/get-issue-panel';
import {
  createProduct,
  jiraProjectQualityViewKey,
  linkIssues,
  saveSentrySnapshots,
  saveSonarSnapshot,
  setProductMapping,
} from '../src/storage';
import { printTable } from './support/table';

const KVS_LATENCY_MS = 20;
const LINK_COUNTS = [1, 21, 26, 100];
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
    title: 'TypeError: Cannot read properties of undefined (reading "id")',
    culprit: 'app/components/Checkout.tsx in submit',
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
    firstRelease: 'web@1.2.0',
    lastRelease: 'web@1.4.1',
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

async function setUp(): Promise<void> {
  await createProduct({ id: 'shop', name: 'Shop', priority: 'medium' });
  const keys = ['web', 'api', 'mobile'];
  for (const projectKey of keys) await saveSonarSnapshot(sonar(projectKey));
  await setProductMapping('shop', {
    jiraProjectIds: ['10000'],
    sentryProjects: [],
    sonarProjects: keys.map((projectKey) => ({ connectionId: 'sonar', projectKey })),
  });
  let next = 1;
  for (const count of LINK_COUNTS) {
    const ids = Array.from({ length: count }, () => String((next += 1)));
    await saveSentrySnapshots(ids.map(sentryIssue));
    for (const id of ids) {
      await linkIssues({
        sentryIssueId: id,
        jiraIssueId: `issue-${count}`,
        connectionId: 'sentry',
        origin: 'manual',
        createdBy: null,
      });
    }
  }
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
