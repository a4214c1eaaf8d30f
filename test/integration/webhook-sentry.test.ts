// The Sentry web trigger, driven through the local Forge runtime with the app's real handler and the
// reference payloads in test/fixtures/webhooks/sentry.
import { randomUUID } from 'node:crypto';
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { installPlatformFaults } from '../../sandbox/runtime/faults';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import {
  getConnection,
  getSentrySnapshot,
  linkIssues,
  saveConnection,
  saveSentrySnapshot,
} from '../../src/storage';
import {
  addSentryConnection,
  ago,
  deliverToSentry,
  fixtureJson,
  fixtureText,
  kvsWithoutLog,
  logEntriesSince,
  mapProjects,
  SENTRY_SECRET,
  startRuntime,
  syncLog,
} from './webhook-kit';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZULIP_PROJECT = {
  connectionId: 'sentry-acme',
  projectId: '5216640',
  projectSlug: 'zulip-integration-testing',
};

let runtime: LocalForgeRuntime;

beforeEach(async () => {
  runtime = startRuntime();
  await addSentryConnection();
  await mapProjects({ sentry: [ZULIP_PROJECT] });
});

describe('a signed delivery of a real payload', () => {
  it('records the issue snapshot and logs the delivery', async () => {
    const answer = await deliverToSentry(runtime, {
      body: fixtureText('sentry', 'zulip_issue_created_for_exception.json'),
    });

    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    const snapshot = await getSentrySnapshot('sentry-acme', '1635244907');
    expect(snapshot).toMatchObject({
      shortId: 'ZULIP-INTEGRATION-TESTING-2',
      projectId: '5216640',
      title: 'Exception: Custom exception!',
      status: 'unresolved',
      level: 'error',
      eventsTotal: 1,
      firstSeen: '2020-04-28T13:56:05.903Z',
      permalink: 'https://acme.sentry.io/issues/1635244907/',
    });
    const [entry] = await syncLog();
    expect(entry).toMatchObject({
      trigger: 'webhook',
      source: 'sentry',
      connectionId: 'sentry-acme',
      projectId: '5216640',
      outcome: 'ok',
      changed: 1,
      errors: [],
    });
  });

  it('keeps the 24 h / 14 d counts of the previous snapshot when the payload lacks them', async () => {
    const previous: SentryIssueSnapshot = {
      id: '1638821441',
      connectionId: 'sentry-acme',
      shortId: 'ZULIP-INTEGRATION-TESTING-E',
      projectId: '5216640',
      projectSlug: 'zulip-integration-testing',
      title: 'Exception: program has entered an invalid state.',
      culprit: '__main__ in <module>',
      level: 'error',
      status: 'unresolved',
      substatus: 'ongoing',
      events24h: 5,
      users24h: 2,
      events14d: 40,
      users14d: 9,
      eventsTotal: 120,
      usersTotal: 30,
      firstSeen: ago(20 * DAY),
      lastSeen: ago(HOUR),
      firstRelease: 'app@1.0.0',
      lastRelease: 'app@1.4.0',
      permalink: 'https://acme.sentry.io/issues/1638821441/',
      updatedAt: ago(HOUR),
    };
    await saveSentrySnapshot(previous);
    const payload = fixtureJson<{ data: { issue: Record<string, unknown> } }>(
      'sentry',
      'zulip_issue_resolved.json',
    );
    payload.data.issue.firstSeen = previous.firstSeen;
    payload.data.issue.lastSeen = previous.lastSeen;
    payload.data.issue.count = '120';
    payload.data.issue.userCount = 30;

    const answer = await deliverToSentry(runtime, { body: JSON.stringify(payload) });

    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    expect(await getSentrySnapshot('sentry-acme', '1638821441')).toMatchObject({
      status: 'resolved',
      events24h: 5,
      users24h: 2,
      events14d: 40,
      users14d: 9,
      eventsTotal: 120,
      firstRelease: 'app@1.0.0',
      lastRelease: 'app@1.4.0',
    });
  });

  it('reads the headers whatever their casing: Forge passes the names as the sender wrote them', async () => {
    const { sentryRequest } = await import('./webhook-kit');
    const request = sentryRequest({ body: fixtureText('sentry', 'zulip_issue_created_for_exception.json') });
    const recased: Record<string, string> = {
      'Sentry-Hook-Signature': 'SENTRY-HOOK-SIGNATURE',
      'Sentry-Hook-Resource': 'sentry-hook-resource',
      'Sentry-Hook-Timestamp': 'sentry-Hook-timestamp',
      'Request-ID': 'request-Id',
    };
    request.headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, values]) => [recased[name] ?? name, values]),
    );
    const response = await runtime.invokeWebTrigger('sentry-webhook', request);
    expect(response.statusCode).toBe(200);
    expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeDefined();
  });

  it('passes the actor on, and the same body sent again with fresh headers changes nothing', async () => {
    const body = fixtureText('sentry', 'zulip_issue_ignored.json');
    expect(await deliverToSentry(runtime, { body })).toMatchObject({ status: 200, outcome: 'processed' });
    const first = await getSentrySnapshot('sentry-acme', '1638821441');
    expect(first?.status).toBe('ignored');
    const before = kvsWithoutLog(runtime);

    // Sentry signs only the body: a new Request-ID and timestamp make no new delivery of it.
    const again = await deliverToSentry(runtime, { body, requestId: randomUUID() });
    expect(again).toMatchObject({ status: 409, outcome: 'refused' });
    expect(again.message).toMatch(/processed before/);
    expect(kvsWithoutLog(runtime)).toEqual(before);
    const entries = await syncLog();
    expect(entries.map((entry) => entry.outcome).sort()).toEqual(['failed', 'ok']);
  });

  it('never moves an issue back: a delayed delivery about an older state is acknowledged and changes nothing', async () => {
    const newer = fixtureJson<{ data: { issue: Record<string, unknown> } }>(
      'sentry',
      'zulip_issue_resolved.json',
    );
    newer.data.issue.lastSeen = '2020-05-01T10:00:00.000000Z';
    newer.data.issue.count = '7';
    expect(await deliverToSentry(runtime, { body: JSON.stringify(newer) })).toMatchObject({ status: 200 });
    const stored = await getSentrySnapshot('sentry-acme', '1638821441');
    expect(stored).toMatchObject({ status: 'resolved', eventsTotal: 7 });
    const before = kvsWithoutLog(runtime);

    // The older 'ignored' delivery (last seen 2020-04-30, one event) arrives late.
    const older = await deliverToSentry(runtime, { body: fixtureText('sentry', 'zulip_issue_ignored.json') });
    expect(older).toMatchObject({ status: 200, outcome: 'ignored' });
    expect(older.message).toMatch(/never moves an issue back/);
    expect(await getSentrySnapshot('sentry-acme', '1638821441')).toEqual(stored);
    // Nothing is left behind, not even the body's claim: the store is as it was.
    expect(kvsWithoutLog(runtime)).toEqual(before);
  });

  it('orders a status change by when Sentry sent it: a resolve carries the lastSeen of the change before it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const resolved = fixtureText('sentry', 'zulip_issue_resolved.json');
    // The change before the resolve (an event delivery, still unresolved), sent earlier but delivered later.
    const earlier = fixtureJson<{ action: string; data: { issue: Record<string, unknown> } }>(
      'sentry',
      'zulip_issue_ignored.json',
    );
    earlier.action = 'created';
    earlier.data.issue.status = 'unresolved';
    expect(await deliverToSentry(runtime, { body: resolved, timestamp: now - 20 })).toMatchObject({
      status: 200,
      outcome: 'processed',
    });
    const stored = await getSentrySnapshot('sentry-acme', '1638821441');
    expect(stored).toMatchObject({
      status: 'resolved',
      observedAt: new Date((now - 20) * 1000).toISOString(),
    });

    const late = await deliverToSentry(runtime, { body: JSON.stringify(earlier), timestamp: now - 40 });
    expect(late).toMatchObject({ status: 200, outcome: 'ignored' });
    expect(late.message).toMatch(/never moves an issue back/);
    expect(await getSentrySnapshot('sentry-acme', '1638821441')).toEqual(stored);

    // Sent in the same second: the order is unclear, so the state stays and Sentry is asked.
    const sameSecond = await deliverToSentry(runtime, { body: JSON.stringify(earlier), timestamp: now - 20 });
    expect(sameSecond).toMatchObject({ status: 200, outcome: 'processed' });
    expect(sameSecond.message).toMatch(/same second .* refetch/);
    expect(await getSentrySnapshot('sentry-acme', '1638821441')).toEqual(stored);

    // A status action in the same second is the change itself: recorded.
    const ignored = fixtureText('sentry', 'zulip_issue_ignored.json');
    expect(await deliverToSentry(runtime, { body: ignored, timestamp: now - 20 })).toMatchObject({
      status: 200,
      outcome: 'processed',
    });
    expect(await getSentrySnapshot('sentry-acme', '1638821441')).toMatchObject({ status: 'ignored' });

    // Sent after (reopened): recorded.
    const reopened = { ...earlier, action: 'unresolved' };
    expect(await deliverToSentry(runtime, { body: JSON.stringify(reopened), timestamp: now })).toMatchObject({
      status: 200,
      outcome: 'processed',
    });
    expect(await getSentrySnapshot('sentry-acme', '1638821441')).toMatchObject({ status: 'unresolved' });
  });

  it('refuses an issue stamped more than 10 minutes in the future, and records nothing', async () => {
    const payload = fixtureJson<{ data: { issue: Record<string, unknown> } }>(
      'sentry',
      'zulip_issue_resolved.json',
    );
    payload.data.issue.lastSeen = new Date(Date.now() + 3_600_000).toISOString();
    const before = kvsWithoutLog(runtime);
    const answer = await deliverToSentry(runtime, { body: JSON.stringify(payload) });
    expect(answer).toMatchObject({ status: 400, outcome: 'refused' });
    expect(answer.message).toMatch(/in the future/);
    expect(kvsWithoutLog(runtime)).toEqual(before);
  });

  it('keeps only https links of the organization, and notes a dropped one in the sync log', async () => {
    const payload = fixtureJson<{ data: { issue: Record<string, unknown> } }>(
      'sentry',
      'zulip_issue_created_for_exception.json',
    );
    payload.data.issue.permalink = 'javascript:alert(document.cookie)';
    expect(await deliverToSentry(runtime, { body: JSON.stringify(payload) })).toMatchObject({ status: 200 });
    const snapshot = await getSentrySnapshot('sentry-acme', '1635244907');
    expect(snapshot?.permalink).toBe('https://acme.sentry.io/issues/1635244907/');
    const [entry] = await syncLog();
    expect(entry?.errors.join(' ')).toMatch(
      /not an https page of the connection's organization, so it was dropped/,
    );
    expect(JSON.stringify(entry)).not.toContain('javascript:');
  });
});

describe('refused deliveries change nothing', () => {
  const body = () => fixtureText('sentry', 'zulip_issue_created_for_exception.json');

  async function expectRefusedWithoutChange(
    deliver: () => Promise<{ status: number; outcome: string; message: string }>,
    status: number,
    messagePart: RegExp,
    /** What the sync log says, when it says more than the answer. */
    logPart: RegExp = messagePart,
  ) {
    const before = kvsWithoutLog(runtime);
    const logBefore = await syncLog();
    const answer = await deliver();
    expect(answer.status).toBe(status);
    expect(answer.outcome).toBe('refused');
    expect(answer.message).toMatch(messagePart);
    expect(kvsWithoutLog(runtime)).toEqual(before);
    const entries = await logEntriesSince(logBefore);
    expect(entries).toHaveLength(1);
    const logged = JSON.stringify(entries[0]);
    expect(entries[0]).toMatchObject({ trigger: 'webhook', source: 'sentry', outcome: 'failed', failed: 1 });
    expect(entries[0]?.summary).toMatch(logPart);
    // Neither the secret nor the body's content reaches the log.
    expect(logged).not.toContain(SENTRY_SECRET);
    expect(logged).not.toContain('Custom exception');
    expect(logged).not.toContain('__main__');
    return answer;
  }

  it('refuses a wrong signature with 401, saying why only in the sync log', async () => {
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), secret: 'not-the-client-secret' }),
      401,
      /not signed with the client secret of the Sentry connection the webhook URL names/,
      /Sentry-Hook-Signature does not match/,
    );
    expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeUndefined();
  });

  it('refuses a missing signature and a signature of another body', async () => {
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), signature: null }),
      401,
      /not signed with the client secret/,
      /no Sentry-Hook-Signature/,
    );
    const otherBody = fixtureText('sentry', 'zulip_issue_ignored.json');
    const { signBody } = await import('../../src/domain/signatures');
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), signature: signBody(otherBody, SENTRY_SECRET) }),
      401,
      /not signed with the client secret/,
      /does not match/,
    );
  });

  it('refuses a timestamp older than 5 minutes, and a missing one, with 401', async () => {
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
      401,
      /older than 300 s/,
    );
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), timestamp: null }),
      401,
      /no Sentry-Hook-Timestamp/,
    );
  });

  it('accepts a delivery 4 minutes old', async () => {
    const answer = await deliverToSentry(runtime, {
      body: body(),
      timestamp: Math.floor(Date.now() / 1000) - 4 * 60,
    });
    expect(answer.status).toBe(200);
  });

  it('refuses a replayed delivery with 409, with the same or a fresh Request-ID', async () => {
    const requestId = randomUUID();
    expect((await deliverToSentry(runtime, { body: body(), requestId })).status).toBe(200);
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), requestId }),
      409,
      /processed before/,
    );
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), requestId: randomUUID() }),
      409,
      /processed before/,
    );
  });

  it('refuses a body over 512 KiB with 413 before reading it', async () => {
    const huge = `{"action":"created","padding":"${'x'.repeat(512 * 1024)}"}`;
    await expectRefusedWithoutChange(() => deliverToSentry(runtime, { body: huge }), 413, /over 512 KiB/);
  });

  it('refuses a Request-ID that is no printable token, quoting nothing of it', async () => {
    const answer = await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), requestId: 'évil request id' }),
      400,
      /Request-ID header is not up to 200 printable characters/,
    );
    expect(answer.message).not.toContain('évil');
  });

  it('refuses a malformed body with 400 and says what is wrong', async () => {
    const payload = fixtureJson<{ data: { issue: Record<string, unknown> } }>(
      'sentry',
      'zulip_issue_created_for_exception.json',
    );
    delete payload.data.issue.id;
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: JSON.stringify(payload) }),
      400,
      /data\.issue\.id is missing/,
    );
    const notJson = await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: '{"action": "created", "token": sntrys_leaked_1234}' }),
      400,
      /not valid JSON/,
    );
    // JSON.parse quotes the body in its message; none of it may reach the answer or the log.
    expect(notJson.message).not.toContain('sntrys_leaked');
    expect(JSON.stringify(await syncLog())).not.toContain('sntrys_leaked');
  });

  it('refuses a delivery without Request-ID or Sentry-Hook-Resource with 400', async () => {
    const { sentryRequest } = await import('./webhook-kit');
    const request = sentryRequest({ body: body() });
    delete request.headers['Request-ID'];
    await expectRefusedWithoutChange(
      async () => {
        const response = await runtime.invokeWebTrigger('sentry-webhook', request);
        return {
          status: response.statusCode,
          ...(JSON.parse(response.body ?? '{}') as { outcome: string; message: string }),
        };
      },
      400,
      /no Request-ID/,
    );
  });

  it('refuses a URL naming an unknown connection with the same 401 as a wrong signature, and a GET with 405', async () => {
    const unknown = await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), connectionId: 'deleted-connection' }),
      401,
      /not signed with the client secret/,
    );
    const wrong = await deliverToSentry(runtime, { body: body(), secret: 'not-the-client-secret' });
    expect(unknown).toEqual(wrong);
    expect(JSON.stringify(await syncLog())).not.toContain('deleted-connection');
    // An id whose storage key would be too long once encoded names no connection either (not a 500).
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), connectionId: '€'.repeat(199) }),
      401,
      /not signed with the client secret/,
    );
    await expectRefusedWithoutChange(
      () => deliverToSentry(runtime, { body: body(), method: 'GET' }),
      405,
      /POST/,
    );
  });
});

describe('duplicate and concurrent deliveries', () => {
  it('records a Request-ID once when the same delivery arrives five times at once', async () => {
    runtime.kvs.latencyMs = 5;
    const body = fixtureText('sentry', 'zulip_issue_created_for_exception.json');
    const requestId = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => deliverToSentry(runtime, { body, requestId })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const entries = await syncLog();
    expect(entries.filter((entry) => entry.outcome === 'ok')).toHaveLength(1);
    expect(entries.filter((entry) => entry.changed === 1)).toHaveLength(1);
  });

  it('lets Sentry retry a delivery whose processing failed', async () => {
    const body = fixtureText('sentry', 'zulip_issue_created_for_exception.json');
    const requestId = randomUUID();
    // A KVS outage on the first transaction (the snapshot write) makes processing fail.
    const realFetch = runtime.kvs.fetch.bind(runtime.kvs);
    let failNext = true;
    runtime.kvs.fetch = async (path, init) => {
      if (failNext && path.includes('transaction')) {
        failNext = false;
        return new Response(
          JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'KVS is unavailable' }),
          {
            status: 500,
          },
        );
      }
      return realFetch(path, init);
    };
    const first = await deliverToSentry(runtime, { body, requestId });
    expect(first).toMatchObject({ status: 500, outcome: 'failed' });
    // The answer is a fixed sentence; what failed is in the sync log, for admins.
    expect(first.message).not.toMatch(/KVS|unavailable|transaction/);
    expect(JSON.stringify(await syncLog())).toMatch(/KVS is unavailable|could not be processed/);
    expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeUndefined();

    const retry = await deliverToSentry(runtime, { body, requestId });
    expect(retry).toMatchObject({ status: 200, outcome: 'processed' });
    expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeDefined();
  });
});

describe('what is acknowledged and ignored', () => {
  it('ignores issues of unmapped projects unless they are linked', async () => {
    const payload = fixtureJson<{ data: { issue: { project: Record<string, unknown> } } }>(
      'sentry',
      'zulip_issue_created_for_exception.json',
    );
    payload.data.issue.project.id = '999';
    // The connection knows the integration's installation already (any verified delivery teaches it once).
    const known = await getConnection('sentry-acme');
    const installation = (payload as { installation?: { uuid?: string } }).installation?.uuid;
    if (known?.kind === 'sentry' && installation) {
      await saveConnection({ ...known, sentryAppInstallationUuid: installation });
    }
    const before = kvsWithoutLog(runtime);
    const answer = await deliverToSentry(runtime, { body: JSON.stringify(payload) });
    expect(answer).toMatchObject({ status: 200, outcome: 'ignored' });
    expect(answer.message).toMatch(/not mapped/);
    // Nothing in it is recorded, and nothing is left behind.
    expect(kvsWithoutLog(runtime)).toEqual(before);
    expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeUndefined();

    await linkIssues({
      sentryIssueId: '1635244907',
      jiraIssueId: '10001',
      connectionId: 'sentry-acme',
      origin: 'manual',
      createdBy: 'user-1',
    });
    payload.data.issue.project.name = 'now linked';
    expect(await deliverToSentry(runtime, { body: JSON.stringify(payload) })).toMatchObject({
      outcome: 'processed',
    });
    expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeDefined();
  });

  it('acknowledges resources it does not use (metric alerts) with 200', async () => {
    const answer = await deliverToSentry(runtime, {
      body: fixtureText('sentry', 'docs_metric_alert_resolved.json'),
      resource: 'metric_alert',
    });
    expect(answer).toMatchObject({ status: 200, outcome: 'ignored' });
    const [entry] = await syncLog();
    expect(entry).toMatchObject({ outcome: 'skipped', connectionId: 'sentry-acme' });
  });

  it('acknowledges deliveries for a paused connection and records nothing', async () => {
    await addSentryConnection({ paused: true });
    const before = kvsWithoutLog(runtime);
    const answer = await deliverToSentry(runtime, {
      body: fixtureText('sentry', 'zulip_issue_created_for_exception.json'),
    });
    expect(answer).toMatchObject({ status: 200, outcome: 'ignored' });
    expect(answer.message).toMatch(/paused/);
    expect(kvsWithoutLog(runtime)).toEqual(before);
  });

  it('logs installation deliveries, and warns when they name another organization', async () => {
    const body = JSON.stringify({
      action: 'created',
      actor: { id: 'sentry', name: 'Sentry', type: 'application' },
      data: {
        installation: {
          uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9',
          organization: { slug: 'other-org' },
          app: { uuid: '2e1d4c9b', slug: 'product-health' },
          status: 'installed',
        },
      },
      installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
    });
    const answer = await deliverToSentry(runtime, { body, resource: 'installation' });
    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    const [entry] = await syncLog();
    expect(entry?.outcome).toBe('partial');
    expect(entry?.errors.join(' ')).toMatch(/organization "other-org", but this connection is for "acme"/);
  });
});

describe('connections', () => {
  it('finds the connection by signature when the URL names none, with several Sentry organizations', async () => {
    await addSentryConnection({ id: 'sentry-beta', organizationSlug: 'beta', secret: 'beta-client-secret' });
    await mapProjects({ sentry: [{ ...ZULIP_PROJECT, connectionId: 'sentry-beta' }] });
    const body = fixtureText('sentry', 'zulip_issue_created_for_exception.json');

    const answer = await deliverToSentry(runtime, { body, secret: 'beta-client-secret', connectionId: null });

    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    expect(await getSentrySnapshot('sentry-beta', '1635244907')).toBeDefined();
    expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeUndefined();
    const refused = await deliverToSentry(runtime, { body, secret: 'nobody-has-this', connectionId: null });
    expect(refused).toMatchObject({ status: 401, outcome: 'refused' });
    // The same words with two connections or none: how many exist is nobody's business.
    expect(refused.message).not.toMatch(/\d/);
    const alone = startRuntime();
    const none = await deliverToSentry(alone, { body, secret: 'nobody-has-this', connectionId: null });
    expect(none).toEqual(refused);
  });

  it("refuses a delivery signed with another connection's secret", async () => {
    await addSentryConnection({ id: 'sentry-beta', organizationSlug: 'beta', secret: 'beta-client-secret' });
    const answer = await deliverToSentry(runtime, {
      body: fixtureText('sentry', 'zulip_issue_created_for_exception.json'),
      secret: 'beta-client-secret',
      connectionId: 'sentry-acme',
    });
    expect(answer.status).toBe(401);
  });

  it('refuses every delivery while the connection has no client secret', async () => {
    await addSentryConnection({ secret: null });
    const answer = await deliverToSentry(runtime, {
      body: fixtureText('sentry', 'zulip_issue_created_for_exception.json'),
    });
    expect(answer.status).toBe(401);
    const [entry] = await syncLog();
    expect(entry?.summary).toMatch(/No Sentry client secret is configured/);
  });
});

describe('event alerts and errors', () => {
  function eventAlert(issueId: string, projectId: string): string {
    const payload = fixtureJson<{ data: { event: Record<string, unknown> } }>(
      'sentry',
      'docs_event_alert_triggered.json',
    );
    payload.data.event.issue_id = issueId;
    payload.data.event.project = Number(projectId);
    return JSON.stringify(payload);
  }

  it('queues one refetch per issue per minute for a tracked issue, none for an untracked one', async () => {
    const first = await deliverToSentry(runtime, {
      body: eventAlert('1635244907', '5216640'),
      resource: 'event_alert',
    });
    expect(first).toMatchObject({ status: 200, outcome: 'processed' });
    expect(first.message).toMatch(/refetch is queued/);
    const second = await deliverToSentry(runtime, {
      body: eventAlert('1635244907', '5216640').replace('"triggered_rule":', '"triggered_rule": '),
      resource: 'event_alert',
    });
    expect(second.message).toMatch(/already queued/);

    const pending = runtime.pendingQueueEvents();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      queue: 'webhook-follow-up',
      body: { kind: 'sentry-issue-refresh', connectionId: 'sentry-acme', issueId: '1635244907' },
    });

    const untracked = await deliverToSentry(runtime, {
      body: eventAlert('42', '777'),
      resource: 'event_alert',
    });
    expect(untracked).toMatchObject({ status: 200, outcome: 'ignored' });
    expect(runtime.pendingQueueEvents()).toHaveLength(1);
  });

  it('queues the refetch when whether one is queued cannot be read (the claim decides, not the read)', async () => {
    const faults = installPlatformFaults(runtime);
    const unreadable = faults.failKvs({
      match: (call) =>
        call.target === 'kvs' &&
        call.path.endsWith('/get') &&
        JSON.stringify(call.body).includes('sentry-issue-refresh'),
    });
    const answer = await deliverToSentry(runtime, {
      body: eventAlert('1635244907', '5216640'),
      resource: 'event_alert',
    });
    expect(unreadable.hits).toBe(1);
    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    expect(answer.message).toMatch(/refetch is queued/);
    expect(runtime.pendingQueueEvents()).toHaveLength(1);
  });

  it('queues a refetch after an error event of a mapped project', async () => {
    const body = JSON.stringify({
      action: 'created',
      actor: { id: 'sentry', name: 'Sentry', type: 'application' },
      data: {
        error: {
          event_id: 'a5d2c8f1e4b34b5f9a0c7d6e5f4a3b2c',
          issue_id: '1635244907',
          project: 5216640,
          title: 'Exception: Custom exception!',
          datetime: new Date().toISOString(),
        },
      },
      installation: { uuid: '65027794-169a-4042-80d0-808ece377141' },
    });
    const answer = await deliverToSentry(runtime, { body, resource: 'error' });
    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    expect(runtime.pendingQueueEvents()).toHaveLength(1);
  });
});
