// A flood of forged deliveries must not become a flood of KVS writes: refusals are logged up to a cap per
// minute per installation, held in storage across function instances, and every one of them is still
// refused. The clock is pinned inside one minute: the cap counts whole minutes.
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { getSentrySnapshot } from '../../src/storage';
import {
  addSentryConnection,
  deliverToSentry,
  fixtureText,
  isLogKey,
  kvsWithoutLog,
  sentryRequest,
  startRuntime,
  syncLog,
} from './webhook-kit';

const MINUTE_START = Math.floor(Date.now() / 60_000) * 60_000;
let warn: jest.SpyInstance;

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(MINUTE_START + 1_000);
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

const body = () => fixtureText('sentry', 'zulip_issue_created_for_exception.json');

function logKeys(runtime: LocalForgeRuntime): string[] {
  return Object.keys(runtime.kvs.dump().data).filter(isLogKey);
}

it('refuses all 40 forged deliveries and logs at most 30 of them', async () => {
  const runtime = startRuntime();
  await addSentryConnection();
  const before = kvsWithoutLog(runtime);

  const statuses: number[] = [];
  for (let index = 0; index < 40; index += 1) {
    statuses.push((await deliverToSentry(runtime, { body: body(), secret: `forged-${index}` })).status);
  }

  expect(new Set(statuses)).toEqual(new Set([401]));
  expect(await syncLog()).toHaveLength(30);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(kvsWithoutLog(runtime)).toEqual(before);
  expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeUndefined();
});

it('holds the cap in storage: a second function instance adds no entries past it', async () => {
  const runtime = startRuntime();
  await addSentryConnection();
  for (let index = 0; index < 25; index += 1) {
    await deliverToSentry(runtime, { body: body(), secret: `forged-${index}` });
  }
  // Another instance of the function: fresh module state, the same installation's storage.
  const firstModule = await import('../../src/index');
  let otherModule: Record<string, unknown> = {};
  await jest.isolateModulesAsync(async () => {
    otherModule = await import('../../src/index');
  });
  expect(otherModule.handleSentryWebhook).not.toBe(firstModule.handleSentryWebhook);
  runtime.setAppModule(otherModule);
  for (let index = 0; index < 25; index += 1) {
    const response = await runtime.invokeWebTrigger(
      'sentry-webhook',
      sentryRequest({ body: body(), secret: `forged-again-${index}` }),
    );
    expect(response.statusCode).toBe(401);
  }
  expect(await syncLog()).toHaveLength(30);
  // The log's own bookkeeping is bounded too: 30 entries and 30 slots of this minute.
  expect(logKeys(runtime)).toHaveLength(60);
});

it("keeps one installation's flood from silencing another installation's refusals in the same instance", async () => {
  const flooded = startRuntime();
  await addSentryConnection();
  for (let index = 0; index < 31; index += 1)
    await deliverToSentry(flooded, { body: body(), secret: `forged-${index}` });
  expect(await syncLog()).toHaveLength(30);

  // Another site's installation served by the same function instance (same module state).
  const other = startRuntime();
  expect(other.installationId).not.toBe(flooded.installationId);
  await addSentryConnection();
  expect((await deliverToSentry(other, { body: body(), secret: 'forged-elsewhere' })).status).toBe(401);
  expect(await syncLog()).toHaveLength(1);
});

it('logs again in the next minute', async () => {
  const runtime = startRuntime();
  await addSentryConnection();
  for (let index = 0; index < 31; index += 1)
    await deliverToSentry(runtime, { body: body(), secret: `forged-${index}` });
  jest.spyOn(Date, 'now').mockReturnValue(MINUTE_START + 61_000);
  await deliverToSentry(runtime, { body: body(), secret: 'forged-later' });
  expect(await syncLog()).toHaveLength(31);
});
