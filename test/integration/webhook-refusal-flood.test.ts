// A flood of forged deliveries must not become a flood of KVS writes: refusals are logged up to a cap
// per minute per function instance and installation, and every one of them is still refused.
import { getSentrySnapshot } from '../../src/storage';
import {
  addSentryConnection,
  deliverToSentry,
  fixtureText,
  kvsWithoutLog,
  startRuntime,
  syncLog,
} from './webhook-kit';

it('refuses all 40 forged deliveries and logs at most 30 of them', async () => {
  const runtime = startRuntime();
  await addSentryConnection();
  const before = kvsWithoutLog(runtime);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const body = fixtureText('sentry', 'zulip_issue_created_for_exception.json');

  const statuses: number[] = [];
  for (let index = 0; index < 40; index += 1) {
    statuses.push((await deliverToSentry(runtime, { body, secret: `forged-${index}` })).status);
  }

  expect(new Set(statuses)).toEqual(new Set([401]));
  expect(await syncLog()).toHaveLength(30);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(kvsWithoutLog(runtime)).toEqual(before);
  expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeUndefined();
  warn.mockRestore();
});

it("keeps one installation's flood from silencing another installation's refusals in the same instance", async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const body = fixtureText('sentry', 'zulip_issue_created_for_exception.json');
  const flooded = startRuntime();
  await addSentryConnection();
  for (let index = 0; index < 31; index += 1)
    await deliverToSentry(flooded, { body, secret: `forged-${index}` });
  expect(await syncLog()).toHaveLength(30);

  // Another site's installation served by the same function instance (same module state).
  const other = startRuntime();
  expect(other.installationId).not.toBe(flooded.installationId);
  await addSentryConnection();
  expect((await deliverToSentry(other, { body, secret: 'forged-elsewhere' })).status).toBe(401);
  expect(await syncLog()).toHaveLength(1);
  warn.mockRestore();
});
