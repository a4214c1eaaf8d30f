// Secrets never leave: no token or webhook secret in any resolver answer, web trigger answer, sync log
// entry, console line or error message. The world holds the demo connections' tokens and secrets; the
// scenario adds rejected tokens (so Sentry and SonarCloud answer 401 and the errors are logged), refused
// and failing web trigger deliveries, every resolver called as a Jira admin, and the hostile-input suite.
import {
  answerMessage,
  callResolver,
  prepareHostileWorld,
  readSyncLog,
  runHostileSuite,
  secretsOf,
  type World,
} from './hostile-inputs';

const WRONG_SENTRY_TOKEN = 'sntrys_rejected_but_still_secret_5e1f0a7c93d2';
const WRONG_SONAR_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d';

/** Where a secret shows: whole, or its last 16 characters (enough to recognise a long token). */
function findLeaks(texts: readonly string[], secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) {
    const needles = secret.length >= 24 ? [secret, secret.slice(-16)] : [secret];
    for (const text of texts) {
      if (needles.some((needle) => text.includes(needle))) {
        leaks.push(`${secret.slice(0, 4)}… in: ${text.slice(0, 160)}`);
      }
    }
  }
  return leaks;
}

it('finds a secret planted in a text (the scan itself works)', () => {
  expect(
    findLeaks(
      ['Sentry said: Bearer sntrys_abcdefghijklmnopqrstuvwxyz0123'],
      ['sntrys_abcdefghijklmnopqrstuvwxyz0123'],
    ),
  ).toHaveLength(1);
  expect(findLeaks(['…uvwxyz0123 was refused'], ['sntrys_abcdefghijklmnopqrstuvwxyz0123'])).toHaveLength(0);
  expect(findLeaks(['token ends opqrstuvwxyz0123'], ['sntrys_abcdefghijklmnopqrstuvwxyz0123'])).toHaveLength(
    1,
  );
});

async function scenario(world: World, texts: string[]): Promise<void> {
  const { runtime } = world;
  const admin = (key: string, payload: unknown) =>
    callResolver(
      world,
      { functionKey: 'admin-fn', moduleKey: 'product-health-admin', moduleType: 'jira:adminPage', key },
      payload,
      'admin',
    ).then((answer) => {
      texts.push(answerMessage(answer));
      return answer;
    });
  // Tokens Sentry and SonarCloud reject: every sync, refetch and connection test fails with a 401.
  await admin('rotateConnectionSecret', {
    connectionId: 'sentry-acme',
    field: 'token',
    value: WRONG_SENTRY_TOKEN,
  });
  await admin('rotateConnectionSecret', {
    connectionId: 'sonarcloud-acme',
    field: 'token',
    value: WRONG_SONAR_TOKEN,
  });
  await admin('testConnection', { connectionId: 'sentry-acme' });
  await admin('testConnection', { connectionId: 'sonarcloud-acme' });
  try {
    await runtime.invokeFunction('scheduled-sync-fn', {});
    await runtime.drainQueues({ advanceClock: true });
  } catch (error) {
    texts.push(error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error));
  }
  // A delivery whose processing fails on a storage outage: the 500 path logs its detail.
  const realFetch = runtime.kvs.fetch.bind(runtime.kvs);
  runtime.kvs.fetch = async (path, init) =>
    path.includes('transaction')
      ? new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'KVS is unavailable' }), {
          status: 500,
        })
      : realFetch(path, init);
  try {
    const response = await runtime.invokeWebTrigger('sentry-webhook', {
      method: 'POST',
      headers: {},
      body: '{}',
      queryParameters: { connection: ['sentry-acme'] },
    });
    texts.push(response.body ?? '');
  } finally {
    runtime.kvs.fetch = realFetch;
  }
  // Every admin read, and what the connection views show.
  for (const key of ['getConnections', 'getWebhookUrls', 'getSyncLog', 'getLinkSearchScope'])
    await admin(key, {});
}

it('no token or webhook secret reaches an answer, the sync log, the console or an error', async () => {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(
        args
          .map((arg) =>
            arg instanceof Error
              ? `${arg.message}\n${arg.stack ?? ''}`
              : typeof arg === 'string'
                ? arg
                : JSON.stringify(arg),
          )
          .join(' '),
      );
    }),
  );
  try {
    const { world } = await prepareHostileWorld();
    const secrets = [...secretsOf(world), WRONG_SENTRY_TOKEN, WRONG_SONAR_TOKEN];
    const texts: string[] = [];
    await scenario(world, texts);
    const storage = await import('../../src/storage');
    const syncLog = (await readSyncLog(storage)).map((entry) => JSON.stringify(entry));
    expect(syncLog.join(' ')).toMatch(/401/);

    const suite = await runHostileSuite();
    const everything = [
      ...texts,
      ...syncLog,
      ...lines,
      ...suite.answers,
      ...suite.consoleLines,
      ...suite.syncLog.map((entry) => JSON.stringify(entry)),
    ];
    expect(everything.length).toBeGreaterThan(1_000);
    expect(findLeaks(everything, [...secrets, ...secretsOf(world)])).toEqual([]);
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}, 600_000);
