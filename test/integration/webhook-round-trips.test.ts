// Every kind of web trigger delivery answers in at most 4 sequential KVS round trips and makes no remote
// call (no Jira, Sentry or SonarCloud request): what reacts to a change runs later, from the reactions
// queue. The exact counts are pinned, so a read added back (the snapshot read twice, a link looked up
// again) fails here; the counts are measured by the local KVS, not timed.
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { getConnection, linkIssues } from '../../src/storage';
import {
  addSentryConnection,
  addSonarConnection,
  deliverToSentry,
  deliverToSonar,
  fixtureJson,
  fixtureText,
  mapProjects,
  sentryRequest,
  startRuntime,
  type DeliveryAnswer,
} from './webhook-kit';

const ZULIP_PROJECT = {
  connectionId: 'sentry-acme',
  projectId: '5216640',
  projectSlug: 'zulip-integration-testing',
};
const ISSUE_ID = '1635244907';
/** The installation the issue fixture names. */
const INSTALLATION = '65027794-169a-4042-80d0-808ece377141';
let runtime: LocalForgeRuntime;

beforeEach(async () => {
  runtime = startRuntime();
  await addSentryConnection();
  await addSonarConnection();
  await mapProjects({
    sentry: [ZULIP_PROJECT],
    sonar: [{ connectionId: 'sonar-acme', projectKey: 'test-sonar', branch: 'master' }],
  });
});

interface Measured {
  answer: DeliveryAnswer;
  roundTrips: number;
  remoteCalls: number;
}

async function measure(deliver: () => Promise<DeliveryAnswer>): Promise<Measured> {
  const before = runtime.metrics.jiraRequests + runtime.metrics.externalRequests;
  const { result, roundTrips } = await runtime.kvs.countRoundTrips(deliver);
  return {
    answer: result,
    roundTrips,
    remoteCalls: runtime.metrics.jiraRequests + runtime.metrics.externalRequests - before,
  };
}

/** The created fixture as another action on the same issue, a minute later (a new body each time). */
function issueBody(action: string, status: string, minutesLater: number): string {
  const payload = fixtureJson<{ action: string; data: { issue: Record<string, unknown> } }>(
    'sentry',
    'zulip_issue_created_for_exception.json',
  );
  payload.action = action;
  payload.data.issue.status = status;
  payload.data.issue.lastSeen = new Date(Date.now() - 60 * 60_000 + minutesLater * 60_000).toISOString();
  payload.data.issue.firstSeen = new Date(Date.now() - 2 * 60 * 60_000).toISOString();
  return JSON.stringify(payload);
}

describe('sequential KVS round trips per delivery kind (at most 4, no remote call)', () => {
  it('pins each kind', async () => {
    const created = issueBody('created', 'unresolved', 0);
    const rows: Record<string, Measured> = {};
    // The first delivery that names the integration's installation also notes it on the connection
    // (once per installation): one write beside the recording's, from the record authentication read.
    rows['Sentry issue created, first of its installation'] = await measure(() =>
      deliverToSentry(runtime, {
        body: issueBody('created', 'unresolved', -50).replace(ISSUE_ID, '1635244900'),
      }),
    );
    rows['Sentry issue created'] = await measure(() => deliverToSentry(runtime, { body: created }));
    rows['Sentry issue resolved'] = await measure(() =>
      deliverToSentry(runtime, { body: issueBody('resolved', 'resolved', 1) }),
    );
    await linkIssues({
      sentryIssueId: ISSUE_ID,
      jiraIssueId: '10001',
      connectionId: 'sentry-acme',
      createdBy: 'manual',
    } as Parameters<typeof linkIssues>[0]);
    rows['Sentry issue ignored, linked'] = await measure(() =>
      deliverToSentry(runtime, { body: issueBody('ignored', 'ignored', 2) }),
    );
    rows['Sentry issue unresolved (refetch queued)'] = await measure(() =>
      deliverToSentry(runtime, { body: issueBody('unresolved', 'unresolved', 3) }),
    );
    rows['Sentry issue older than stored'] = await measure(() =>
      deliverToSentry(runtime, { body: issueBody('resolved', 'resolved', -30) }),
    );
    rows['Sentry replayed delivery (409)'] = await measure(() => deliverToSentry(runtime, { body: created }));
    rows['Sentry wrong signature (401)'] = await measure(() =>
      deliverToSentry(runtime, { body: issueBody('created', 'unresolved', 4), secret: 'forged' }),
    );
    const alert = fixtureJson<{ installation: { uuid: string }; data: { event: Record<string, unknown> } }>(
      'sentry',
      'docs_event_alert_triggered.json',
    );
    alert.data.event.issue_id = ISSUE_ID;
    alert.installation.uuid = INSTALLATION;
    alert.data.event.project = Number(ZULIP_PROJECT.projectId);
    // A refetch was queued for this issue this minute (the unresolved delivery above): the entry of a
    // delivery that queues nothing more shares the refusal log's cap, which costs its slot's round trip;
    // the queued refetch is read beside the claim, so no claim attempt comes before the slot.
    rows['Sentry event alert, refetch already queued'] = await measure(() =>
      deliverToSentry(runtime, { body: JSON.stringify(alert), resource: 'event_alert' }),
    );
    alert.data.event.issue_id = '1635244908';
    await deliverToSentry(runtime, {
      body: issueBody('created', 'unresolved', 6).replace('1635244907', '1635244908'),
    });
    rows['Sentry event alert'] = await measure(() =>
      deliverToSentry(runtime, { body: JSON.stringify(alert), resource: 'event_alert' }),
    );
    rows['Sentry unused resource'] = await measure(() =>
      deliverToSentry(runtime, {
        body: fixtureText('sentry', 'docs_metric_alert_resolved.json'),
        resource: 'metric_alert',
      }),
    );
    const unmapped = JSON.parse(issueBody('created', 'unresolved', 5)) as {
      data: { issue: Record<string, unknown> };
    };
    unmapped.data.issue.id = '999000111';
    unmapped.data.issue.project = { id: '42', name: 'other', slug: 'other', platform: 'python' };
    rows['Sentry issue of an unmapped project'] = await measure(() =>
      deliverToSentry(runtime, { body: JSON.stringify(unmapped) }),
    );
    const sonar = {
      ...fixtureJson('sonarcloud', 'zulip_sonarqube_error.json'),
      analysedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    rows['SonarCloud analysis'] = await measure(() =>
      deliverToSonar(runtime, { body: JSON.stringify(sonar) }),
    );

    const summary = Object.fromEntries(
      Object.entries(rows).map(([kind, row]) => [
        kind,
        `${row.answer.status} ${row.roundTrips} rt ${row.remoteCalls} remote`,
      ]),
    );
    expect(summary).toEqual({
      'Sentry issue created, first of its installation': '200 4 rt 0 remote',
      'Sentry issue created': '200 4 rt 0 remote',
      'Sentry issue resolved': '200 4 rt 0 remote',
      'Sentry issue ignored, linked': '200 4 rt 0 remote',
      'Sentry issue unresolved (refetch queued)': '200 4 rt 0 remote',
      'Sentry issue older than stored': '200 4 rt 0 remote',
      'Sentry replayed delivery (409)': '409 4 rt 0 remote',
      'Sentry wrong signature (401)': '401 3 rt 0 remote',
      'Sentry event alert': '200 4 rt 0 remote',
      'Sentry event alert, refetch already queued': '200 4 rt 0 remote',
      'Sentry unused resource': '200 3 rt 0 remote',
      'Sentry issue of an unmapped project': '200 4 rt 0 remote',
      'SonarCloud analysis': '200 4 rt 0 remote',
    });
    // What the two cheapened kinds did still happened: the installation noted, the refetch known queued.
    const connection = await getConnection('sentry-acme');
    expect(connection?.kind === 'sentry' ? connection.sentryAppInstallationUuid : undefined).toBe(
      INSTALLATION,
    );
    expect(rows['Sentry event alert, refetch already queued']?.answer.message).toMatch(
      /a refetch was already queued/,
    );
    // The reactions wait on their queue, one event per change.
    expect(
      runtime.pendingQueueEvents().filter((event) => event.queue === 'reactions').length,
    ).toBeGreaterThan(0);
  });

  it('the request builder the counts use signs like Sentry (sanity)', () => {
    expect(sentryRequest({ body: '{}' }).headers['Sentry-Hook-Signature']?.[0]).toMatch(/^[0-9a-f]{64}$/);
  });
});
