// The follow-up queue behind the web triggers: deliveries queue work, the real follow-up consumer runs it
// against the Sentry and SonarCloud simulators, and the snapshots end up refreshed.
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { SENTRY_DEMO_TOKENS, SentrySimulator } from '../../sandbox/simulators/sentry';
import { SONARCLOUD_DEMO_TOKENS, SonarCloudSimulator } from '../../sandbox/simulators/sonarcloud';
import { getSentrySnapshot, getSonarSnapshot, saveConnection, getConnection } from '../../src/storage';
import {
  addSentryConnection,
  addSonarConnection,
  deliverToSentry,
  deliverToSonar,
  fixtureJson,
  logEntriesSince,
  mapProjects,
  startRuntime,
  syncLog,
} from './webhook-kit';

const BACKEND = { connectionId: 'sentry-acme', projectId: '5501201', projectSlug: 'backend' };

let runtime: LocalForgeRuntime;
let sentry: SentrySimulator;
let sonar: SonarCloudSimulator;

beforeEach(() => {
  runtime = startRuntime();
  sentry = new SentrySimulator();
  sonar = new SonarCloudSimulator();
  runtime.setExternalHandler(async (request) => {
    const host = new URL(request.url).hostname;
    if (host === 'sonarcloud.io') return sonar.handle(request);
    if (host === 'sentry.io' || host.endsWith('.sentry.io')) return sentry.handle(request);
    throw new Error(`No simulator for ${request.url}`);
  });
});

afterEach(() => jest.useRealTimers());

/**
 * Lets `ms` pass for the app (Date, which its claims' own expiry reads) and for the platform (KVS TTLs,
 * queue delays) alike. Only Date is faked; timers stay real.
 */
function passTime(ms: number): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
    now: Date.now() + ms,
  });
  runtime.clock.advance(ms);
}

/** An event alert about one event of the issue (each alert carries its own event). */
function eventAlert(issueId: string, eventId?: string): string {
  const payload = fixtureJson<{ data: { event: Record<string, unknown> } }>(
    'sentry',
    'docs_event_alert_triggered.json',
  );
  payload.data.event.issue_id = issueId;
  if (eventId) payload.data.event.event_id = eventId;
  payload.data.event.project = Number(BACKEND.projectId);
  return JSON.stringify(payload);
}

/** Deliveries on the follow-up queue (each recorded change also queues its reactions on another queue). */
const followUpDeliveries = () =>
  runtime.queueDeliveries().filter((delivery) => delivery.queue === 'webhook-follow-up');

describe('Sentry issue refetch', () => {
  beforeEach(async () => {
    await addSentryConnection({ token: SENTRY_DEMO_TOKENS.full });
    await mapProjects({ sentry: [BACKEND] });
  });

  it('refetches the issue after an event alert and records its counts', async () => {
    const issue = sentry.issues({ projectSlug: 'backend' })[0];
    if (!issue) throw new Error('The demo Sentry organization has no backend issue.');

    const answer = await deliverToSentry(runtime, { body: eventAlert(issue.id), resource: 'event_alert' });
    expect(answer.status).toBe(200);
    expect(await getSentrySnapshot('sentry-acme', issue.id)).toBeUndefined();

    await runtime.drainQueues({ advanceClock: true });
    expect(followUpDeliveries()).toHaveLength(1);
    const snapshot = await getSentrySnapshot('sentry-acme', issue.id);
    expect(snapshot).toMatchObject({
      shortId: issue.shortId,
      projectId: BACKEND.projectId,
      eventsTotal: issue.count,
      usersTotal: issue.userCount,
    });
    expect(snapshot?.events14d).toBeGreaterThan(0);
    const entries = await syncLog();
    expect(entries.find((entry) => entry.summary?.includes('refetched'))).toMatchObject({
      source: 'sentry',
      outcome: 'ok',
      changed: 1,
    });

    // New events in Sentry, another alert once the coalescing window has passed: the counts follow.
    // (KVS may still return the window's expired claim for up to 48 h; the claim's own expiry frees it.)
    sentry.addEvents(issue.id, { count: 25, users: 3 });
    passTime(61_000);
    await deliverToSentry(runtime, {
      body: eventAlert(issue.id, 'b1e8c0b9c8a44f7f9c1e3d2a6f5b4c3d'),
      resource: 'event_alert',
    });
    await runtime.drainQueues({ advanceClock: true });
    expect(followUpDeliveries()).toHaveLength(2);
    expect((await getSentrySnapshot('sentry-acme', issue.id))?.eventsTotal).toBe(issue.count + 25);
  });

  it('retries a refetch that Sentry rate-limits, and loses nothing', async () => {
    const issue = sentry.issues({ projectSlug: 'backend' })[1];
    if (!issue) throw new Error('The demo Sentry organization has too few backend issues.');
    sentry.injectFault({ kind: 'status', status: 429, retryAfter: 120, times: 1 });

    await deliverToSentry(runtime, { body: eventAlert(issue.id), resource: 'event_alert' });
    await runtime.drainQueues({ advanceClock: true });
    expect(followUpDeliveries()).toHaveLength(2);

    expect(followUpDeliveries().map((delivery) => delivery.outcome)).toEqual(['retry', 'success']);
    expect(await getSentrySnapshot('sentry-acme', issue.id)).toMatchObject({ eventsTotal: issue.count });
  });

  it('logs a refetch of an issue Sentry no longer has, and of a connection paused meanwhile', async () => {
    await deliverToSentry(runtime, { body: eventAlert('999999999'), resource: 'event_alert' });
    let before = await syncLog();
    await runtime.drainQueues({ advanceClock: true });
    expect(await logEntriesSince(before)).toEqual([
      expect.objectContaining({ outcome: 'skipped', summary: expect.stringMatching(/no longer exists/) }),
    ]);

    const issue = sentry.issues({ projectSlug: 'backend' })[2];
    if (!issue) throw new Error('The demo Sentry organization has too few backend issues.');
    await deliverToSentry(runtime, { body: eventAlert(issue.id), resource: 'event_alert' });
    const connection = await getConnection('sentry-acme');
    if (!connection) throw new Error('The connection is missing.');
    await saveConnection({ ...connection, paused: true });
    before = await syncLog();
    await runtime.drainQueues({ advanceClock: true });
    expect(await logEntriesSince(before)).toEqual([
      expect.objectContaining({ outcome: 'skipped', summary: expect.stringMatching(/paused/) }),
    ]);
    expect(await getSentrySnapshot('sentry-acme', issue.id)).toBeUndefined();
  });
});

describe('SonarCloud measures refresh', () => {
  it('records the measures of the analysed branch after the quality gate', async () => {
    await addSonarConnection({ token: SONARCLOUD_DEMO_TOKENS.member });
    await mapProjects({ sonar: [{ connectionId: 'sonar-acme', projectKey: 'acme_backend' }] });
    const payload = fixtureJson<Record<string, unknown>>('sonarcloud', 'zulip_sonarqube_error.json');
    payload.project = { key: 'acme_backend', name: 'Backend API' };
    payload.branch = { name: 'main', type: 'BRANCH', isMain: true };
    payload.analysedAt = new Date().toISOString();

    expect(await deliverToSonar(runtime, { body: JSON.stringify(payload) })).toMatchObject({ status: 200 });
    const gateOnly = await getSonarSnapshot('sonar-acme', 'acme_backend', 'main');
    expect(gateOnly).toMatchObject({ qualityGate: 'ERROR', measures: {} });

    await runtime.drainQueues({ advanceClock: true });
    expect(followUpDeliveries()).toHaveLength(1);
    const refreshed = await getSonarSnapshot('sonar-acme', 'acme_backend', 'main');
    expect(refreshed).toMatchObject({
      projectName: 'Backend API',
      // The gate stays the one the analysis reported; the measures are SonarCloud's for that branch.
      qualityGate: 'ERROR',
      analysedAt: gateOnly?.analysedAt,
      measures: expect.objectContaining({ ncloc: '48210', coverage: '84.7', bugs: '3' }),
    });
    const requested = sonar.requestLog.entries.map((entry) => entry.path);
    expect(requested).toContain('/api/measures/component');
  });
});
