// Never back in time for quality gates: the scheduled sync records SonarCloud's analysis date, so a
// stale delivery cannot roll back a gate that only sync has seen, and an API answer about an older
// analysis than the one a webhook recorded changes nothing.
import { getSonarSnapshot } from '../../src/storage';
import { deliverToSonar, fixtureJson, kvsWithoutLog, SONAR_SECRET } from './webhook-kit';
import {
  addSonarConnection,
  drain,
  mapSonarProjects,
  runSchedule,
  startSyncWorld,
  SONAR_CONNECTION_ID,
  syncLog,
} from './sync-kit';

function analysis(analysedAt: string, gate: 'OK' | 'ERROR'): string {
  const payload = fixtureJson<Record<string, unknown>>('sonarcloud', 'zulip_sonarqube_error.json');
  payload.project = { key: 'acme_backend', name: 'Backend API' };
  payload.branch = { name: 'main', type: 'BRANCH', isMain: true };
  payload.analysedAt = analysedAt;
  payload.qualityGate = { name: 'Sonar way', status: gate, conditions: [] };
  return JSON.stringify(payload);
}

it('records the analysis date with the gate, and a stale delivery of an older analysis changes nothing', async () => {
  const world = startSyncWorld();
  await addSonarConnection({ webhookSecret: SONAR_SECRET });
  await mapSonarProjects([{ projectKey: 'acme_backend', branch: 'main' }]);
  await runSchedule(world.runtime);
  await drain(world.runtime);
  const synced = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main');
  expect(synced?.analysedAt).toEqual(expect.any(String));
  const syncedAt = Date.parse(synced?.analysedAt ?? '');

  const before = kvsWithoutLog(world.runtime);
  const stale = new Date(syncedAt - 86_400_000).toISOString();
  const flipped = synced?.qualityGate === 'OK' ? 'ERROR' : 'OK';
  const answer = await deliverToSonar(world.runtime, { body: analysis(stale, flipped), connectionId: null });
  expect(answer).toMatchObject({ status: 200, outcome: 'ignored' });
  expect(answer.message).toMatch(/not newer/);
  expect(await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main')).toEqual(synced);
  expect(kvsWithoutLog(world.runtime)).toEqual(before);
});

it("keeps the gate of a newer analysis a webhook recorded while SonarCloud's API still shows the older one", async () => {
  const world = startSyncWorld();
  await addSonarConnection({ webhookSecret: SONAR_SECRET });
  await mapSonarProjects([{ projectKey: 'acme_backend', branch: 'main' }]);
  await runSchedule(world.runtime);
  await drain(world.runtime);
  const synced = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main');
  const newer = new Date(Date.parse(synced?.analysedAt ?? '') + 60_000).toISOString();
  const flipped = synced?.qualityGate === 'OK' ? 'ERROR' : 'OK';
  expect((await deliverToSonar(world.runtime, { body: analysis(newer, flipped) })).status).toBe(200);
  await drain(world.runtime);
  const recorded = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main');
  expect(recorded).toMatchObject({ qualityGate: flipped, analysedAt: newer });

  await runSchedule(world.runtime);
  await drain(world.runtime);
  expect(await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main')).toMatchObject({
    qualityGate: flipped,
    analysedAt: newer,
  });
  expect((await syncLog()).map((entry) => entry.errors.join(' ')).join(' ')).toMatch(
    /still reports the analysis .* older than the one recorded/,
  );
});
