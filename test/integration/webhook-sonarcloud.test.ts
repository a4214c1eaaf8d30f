// The SonarCloud web trigger, driven through the local Forge runtime with the app's real handler and the
// reference payloads in test/fixtures/webhooks/sonarcloud.
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { getSonarSnapshot } from '../../src/storage';
import {
  addSonarConnection,
  deliverToSonar,
  fixtureJson,
  fixtureText,
  kvsWithoutLog,
  mapProjects,
  SONAR_SECRET,
  startRuntime,
  syncLog,
} from './webhook-kit';

let runtime: LocalForgeRuntime;

beforeEach(() => {
  runtime = startRuntime();
});

const errorBody = () => fixtureText('sonarcloud', 'zulip_sonarqube_error.json');

/** Queued follow-ups (a recorded change also queues its reactions, on the reactions queue). */
const followUps = () => runtime.pendingQueueEvents().filter((event) => event.queue !== 'reactions');

describe('a signed delivery', () => {
  beforeEach(async () => {
    await addSonarConnection();
    await mapProjects({
      sonar: [{ connectionId: 'sonar-acme', projectKey: 'test-sonar', branch: 'master' }],
    });
  });

  it('records the quality gate of the analysed branch and queues a measures refresh', async () => {
    const answer = await deliverToSonar(runtime, { body: errorBody() });

    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    const snapshot = await getSonarSnapshot('sonar-acme', 'test-sonar', 'master');
    expect(snapshot).toMatchObject({
      projectName: 'test-sonar',
      qualityGate: 'ERROR',
      analysedAt: '2021-03-08T18:25:04.000Z',
    });
    expect(snapshot?.failingConditions.map((condition) => condition.metricKey)).toEqual([
      'coverage',
      'duplicated_lines_density',
    ]);
    expect(followUps()).toEqual([
      expect.objectContaining({
        queue: 'webhook-follow-up',
        body: {
          kind: 'sonar-measures-refresh',
          connectionId: 'sonar-acme',
          projectKey: 'test-sonar',
          branch: 'master',
          remoteBranch: 'master',
        },
      }),
    ]);
    const [entry] = await syncLog();
    expect(entry).toMatchObject({
      trigger: 'webhook',
      source: 'sonarcloud',
      projectId: 'test-sonar',
      outcome: 'ok',
      changed: 1,
    });
  });

  it('changes nothing for a replayed or older analysis', async () => {
    await deliverToSonar(runtime, { body: errorBody() });
    const before = kvsWithoutLog(runtime);
    const older = fixtureJson<Record<string, unknown>>('sonarcloud', 'zulip_sonarqube_success.json');
    older.analysedAt = '2021-03-01T10:00:00+0000';

    for (const body of [errorBody(), JSON.stringify(older)]) {
      const answer = await deliverToSonar(runtime, { body });
      expect(answer).toMatchObject({ status: 200, outcome: 'ignored' });
      expect(answer.message).toMatch(/not newer/);
    }
    expect(kvsWithoutLog(runtime)).toEqual(before);
    expect(followUps()).toHaveLength(1);
  });

  it('records a newer analysis that turns the gate green', async () => {
    await deliverToSonar(runtime, { body: errorBody() });
    const newer = fixtureJson<Record<string, unknown>>('sonarcloud', 'zulip_sonarqube_success.json');
    newer.analysedAt = '2021-03-09T08:00:00+0000';
    expect(await deliverToSonar(runtime, { body: JSON.stringify(newer) })).toMatchObject({ status: 200 });
    expect(await getSonarSnapshot('sonar-acme', 'test-sonar', 'master')).toMatchObject({
      qualityGate: 'OK',
      failingConditions: [],
    });
  });

  it('acknowledges and logs an unmapped project and a pull-request analysis as ignored', async () => {
    const unmapped = fixtureJson<{ project: Record<string, unknown> }>(
      'sonarcloud',
      'zulip_sonarqube_error.json',
    );
    unmapped.project.key = 'someone-else';
    const pullRequest = fixtureJson<{ branch: Record<string, unknown> }>(
      'sonarcloud',
      'zulip_sonarqube_error.json',
    );
    pullRequest.branch = { name: '42', type: 'PULL_REQUEST', isMain: false };
    const before = kvsWithoutLog(runtime);

    for (const body of [JSON.stringify(unmapped), JSON.stringify(pullRequest)]) {
      expect(await deliverToSonar(runtime, { body })).toMatchObject({ status: 200, outcome: 'ignored' });
    }
    expect(kvsWithoutLog(runtime)).toEqual(before);
    const entries = await syncLog();
    expect(entries.map((entry) => entry.outcome)).toEqual(['skipped', 'skipped']);
    expect(entries.map((entry) => entry.summary).join(' ')).toMatch(
      /not mapped.*pull request|pull request.*not mapped/,
    );
    expect(followUps()).toHaveLength(0);
  });

  it('refuses a malformed body with 400', async () => {
    const payload = fixtureJson<Record<string, unknown>>('sonarcloud', 'zulip_sonarqube_error.json');
    delete payload.project;
    const before = kvsWithoutLog(runtime);
    const answer = await deliverToSonar(runtime, { body: JSON.stringify(payload) });
    expect(answer).toMatchObject({ status: 400, outcome: 'refused' });
    expect(answer.message).toMatch(/project is missing/);
    expect(kvsWithoutLog(runtime)).toEqual(before);
  });

  it('refuses an analysis stamped more than 10 minutes in the future, which would hold off every later one', async () => {
    const future = fixtureJson<Record<string, unknown>>('sonarcloud', 'zulip_sonarqube_error.json');
    future.analysedAt = new Date(Date.now() + 3_600_000).toISOString();
    const before = kvsWithoutLog(runtime);
    const answer = await deliverToSonar(runtime, { body: JSON.stringify(future) });
    expect(answer).toMatchObject({ status: 400, outcome: 'refused' });
    expect(answer.message).toMatch(/in the future/);
    expect(kvsWithoutLog(runtime)).toEqual(before);
  });

  it('refuses a body over 64 KiB with 413 before reading it', async () => {
    const huge = JSON.stringify({ padding: 'x'.repeat(64 * 1024) });
    const answer = await deliverToSonar(runtime, { body: huge });
    expect(answer).toMatchObject({ status: 413, outcome: 'refused' });
    expect(answer.message).toMatch(/over 64 KiB/);
  });

  it('matches an analysis without branch (SonarQube Community) to the default branch', async () => {
    await mapProjects({ sonar: [{ connectionId: 'sonar-acme', projectKey: 'org.sonarqube:example' }] });
    const answer = await deliverToSonar(runtime, {
      body: fixtureText('sonarcloud', 'sonarqube_docs_webhook_example.json'),
    });
    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    expect(await getSonarSnapshot('sonar-acme', 'org.sonarqube:example', 'main')).toMatchObject({
      qualityGate: 'OK',
      analysedAt: '2016-11-18T09:46:28.000Z',
    });
  });
});

describe('fails closed', () => {
  beforeEach(async () => {
    // Mapped with the default branch name: a main-branch analysis ("master") is recorded under it.
    await mapProjects({ sonar: [{ connectionId: 'sonar-acme', projectKey: 'test-sonar' }] });
  });

  it('records a signed delivery, its X-Sonar-Webhook-HMAC-SHA256 header cased as SonarCloud sends it', async () => {
    await addSonarConnection();
    const answer = await deliverToSonar(runtime, { body: errorBody() });
    expect(answer).toMatchObject({ status: 200, outcome: 'processed' });
    expect(await getSonarSnapshot('sonar-acme', 'test-sonar', 'main')).toMatchObject({
      qualityGate: 'ERROR',
    });
  });

  it('refuses unsigned deliveries and wrong signatures with 401, changing nothing', async () => {
    await addSonarConnection();
    const before = kvsWithoutLog(runtime);
    const unsigned = await deliverToSonar(runtime, { body: errorBody(), secret: null });
    expect(unsigned).toMatchObject({ status: 401, outcome: 'refused' });
    expect(unsigned.message).toMatch(/Set a secret on the SonarCloud webhook/);
    const wrong = await deliverToSonar(runtime, { body: errorBody(), secret: 'another-secret' });
    expect(wrong).toEqual(unsigned);
    expect(kvsWithoutLog(runtime)).toEqual(before);
    expect(followUps()).toHaveLength(0);
    const entries = await syncLog();
    expect(entries.map((entry) => entry.summary).join(' ')).toMatch(/no X-Sonar-Webhook-HMAC-SHA256 header/);
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain(SONAR_SECRET);
    expect(logged).not.toContain('duplicated_lines_density');
  });

  it('refuses every delivery to a connection without a webhook secret: no gate, no rule, no Jira issue', async () => {
    await addSonarConnection({ secret: null });
    const before = kvsWithoutLog(runtime);
    for (const secret of [null, SONAR_SECRET, '']) {
      const answer = await deliverToSonar(runtime, { body: errorBody(), secret });
      expect(answer).toMatchObject({ status: 401, outcome: 'refused' });
      expect(answer.message).toMatch(/Set a secret on the SonarCloud webhook \(Administration > Webhooks\)/);
    }
    // Without ?connection= too.
    const unnamed = await deliverToSonar(runtime, { body: errorBody(), secret: null, connectionId: null });
    expect(unnamed.status).toBe(401);
    expect(kvsWithoutLog(runtime)).toEqual(before);
    expect(followUps()).toHaveLength(0);
    const named = (await syncLog()).filter((entry) => entry.connectionId === 'sonar-acme');
    expect(named).toHaveLength(3);
    for (const entry of named) {
      expect(entry).toMatchObject({ outcome: 'failed' });
      expect(entry.summary).toMatch(/has no webhook secret/);
    }
  });

  it('answers an unknown connection, one without a secret and a wrong signature alike', async () => {
    await addSonarConnection({ id: 'sonar-open', secret: null });
    await addSonarConnection();
    const answers = [
      await deliverToSonar(runtime, { body: errorBody(), connectionId: 'sonar-nowhere' }),
      await deliverToSonar(runtime, { body: errorBody(), connectionId: 'sonar-open' }),
      await deliverToSonar(runtime, { body: errorBody(), secret: 'wrong' }),
      await deliverToSonar(runtime, { body: errorBody(), secret: 'wrong', connectionId: null }),
    ];
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(JSON.stringify(await syncLog())).not.toContain('sonar-nowhere');
  });

  it('finds the connection by signature when the URL names none', async () => {
    await addSonarConnection();
    await addSonarConnection({ id: 'sonar-open', secret: null });
    const signed = await deliverToSonar(runtime, { body: errorBody(), connectionId: null });
    expect(signed).toMatchObject({ status: 200, outcome: 'processed' });
    expect(await getSonarSnapshot('sonar-acme', 'test-sonar', 'main')).toBeDefined();
    // Unsigned: no connection accepts it, not even the one without a secret.
    const unsigned = await deliverToSonar(runtime, { body: errorBody(), secret: null, connectionId: null });
    expect(unsigned).toMatchObject({ status: 401, outcome: 'refused' });
  });

  it('acknowledges deliveries for a paused connection and records nothing', async () => {
    await addSonarConnection({ paused: true });
    const before = kvsWithoutLog(runtime);
    const answer = await deliverToSonar(runtime, { body: errorBody() });
    expect(answer).toMatchObject({ status: 200, outcome: 'ignored' });
    expect(kvsWithoutLog(runtime)).toEqual(before);
  });
});
