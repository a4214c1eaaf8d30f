// Fault tests for the shared HTTP layer: a scripted remote, an injected clock and sleep, no real waiting.
import { z } from 'zod';

import {
  AuthError,
  MalformedResponseError,
  NotFoundError,
  OutOfTimeError,
  PermissionError,
  RateLimitedError,
  RemoteRequestError,
  RequestBudgetSpentError,
  RemoteUnavailableError,
} from './errors';
import type { HttpEnvironment } from './environment';
import { type ErrorWording, RemoteCaller, type RemoteCall, type ResponseLike } from './remote-caller';

const START = Date.parse('2026-03-02T10:00:00Z');

const wording: ErrorWording = {
  system: 'Sentry',
  unauthorized: (detail) =>
    `Sentry rejected the token (401)${detail ? `: ${detail}` : ''}; create a new one.`,
  forbidden: (scopes) =>
    `Sentry refused the request (403): the token lacks the scope ${scopes.join(' or ')}.`,
};

type Step =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { network: string }
  | { hang: true }
  | { throws: Error };

interface Harness {
  env: HttpEnvironment;
  sleeps: number[];
  sends: number;
  aborted: number;
  setRemaining(ms: number | null): void;
  call<T>(schema: z.ZodType<T> | null, overrides?: Partial<RemoteCall<T>>): RemoteCall<T>;
}

function harness(steps: Step[]): Harness {
  let now = START;
  let remaining: number | null = null;
  const state = { sleeps: [] as number[], sends: 0, aborted: 0 };
  const env: HttpEnvironment = {
    now: () => now,
    sleep: async (ms) => {
      state.sleeps.push(ms);
      now += ms;
      if (remaining !== null) remaining -= ms;
    },
    random: () => 0.5,
    remainingTimeMs: () => remaining,
  };
  const send = (signal: AbortSignal): Promise<ResponseLike> => {
    const step = steps[Math.min(state.sends, steps.length - 1)];
    state.sends += 1;
    if (!step) throw new Error('no scripted step');
    if ('network' in step)
      return Promise.reject(new TypeError('fetch failed', { cause: { code: step.network } }));
    if ('throws' in step) return Promise.reject(step.throws);
    if ('hang' in step) {
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          state.aborted += 1;
          reject(new DOMException('The operation was aborted.', 'AbortError'));
        });
      });
    }
    const body = step.status === 204 ? null : (step.body ?? '');
    return Promise.resolve(new Response(body, { status: step.status, headers: step.headers ?? {} }));
  };
  return {
    env,
    get sleeps() {
      return state.sleeps;
    },
    get sends() {
      return state.sends;
    },
    get aborted() {
      return state.aborted;
    },
    setRemaining: (ms) => {
      remaining = ms;
    },
    call: <T>(schema: z.ZodType<T> | null, overrides: Partial<RemoteCall<T>> = {}): RemoteCall<T> => ({
      operation: 'GET /api/0/organizations/acme/issues/',
      send,
      schema,
      idempotent: true,
      resource: 'organization "acme"',
      requiredScopes: ['event:read'],
      ...overrides,
    }),
  };
}

const issueList = z.array(z.object({ id: z.string() }));
const ok = { status: 200, body: JSON.stringify([{ id: '1' }]) };

function caller(h: Harness, settings: Record<string, number> = {}): RemoteCaller {
  return new RemoteCaller(wording, { env: h.env, settings: { timeoutMs: 50, ...settings } });
}

describe('RemoteCaller retries', () => {
  it('waits out a 429 with Retry-After in seconds, then retries and succeeds', async () => {
    const h = harness([{ status: 429, headers: { 'Retry-After': '3' } }, ok]);
    const result = await caller(h).call(h.call(issueList));
    expect(result.data).toEqual([{ id: '1' }]);
    expect(h.sleeps).toEqual([3000]);
    expect(h.sends).toBe(2);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const at = new Date(START + 7_000).toUTCString();
    const h = harness([{ status: 503, headers: { 'retry-after': at } }, ok]);
    await caller(h).call(h.call(issueList));
    expect(h.sleeps).toEqual([7000]);
  });

  it('ends a 5xx storm in RemoteUnavailableError after maxAttempts, with bounded backoff', async () => {
    const h = harness([{ status: 503, body: JSON.stringify({ detail: 'Service overloaded' }) }]);
    const promise = caller(h, { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8000 }).call(h.call(issueList));
    await expect(promise).rejects.toBeInstanceOf(RemoteUnavailableError);
    const error = (await promise.catch((e: unknown) => e)) as RemoteUnavailableError;
    expect(h.sends).toBe(4);
    expect(error.attempts).toBe(4);
    expect(error.reason).toBe('status');
    expect(error.status).toBe(503);
    expect(error.message).toContain('Service overloaded');
    // Full jitter with random() = 0.5: half of 500, 1000, 2000.
    expect(h.sleeps).toEqual([250, 500, 1000]);
    expect(Date.parse(error.retryAt)).toBeGreaterThan(START);
  });

  it('retries 502 and 504 as well as network errors', async () => {
    const h = harness([{ status: 502 }, { network: 'ECONNRESET' }, { status: 504 }, ok]);
    const result = await caller(h).call(h.call(issueList));
    expect(result.data).toHaveLength(1);
    expect(h.sends).toBe(4);
  });

  it('aborts a slow attempt at the timeout, retries, and succeeds', async () => {
    const h = harness([{ hang: true }, ok]);
    const result = await caller(h, { timeoutMs: 20 }).call(h.call(issueList));
    expect(result.data).toHaveLength(1);
    expect(h.aborted).toBe(1);
    expect(h.sends).toBe(2);
  });

  it('turns repeated timeouts into RemoteUnavailableError (reason timeout)', async () => {
    const h = harness([{ hang: true }]);
    const error = await caller(h, { timeoutMs: 10, maxAttempts: 3 })
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteUnavailableError);
    expect((error as RemoteUnavailableError).reason).toBe('timeout');
    expect((error as Error).message).toMatch(/did not answer .* within/);
    expect(h.sends).toBe(3);
    expect(h.aborted).toBe(3);
  });

  it('does not retry a POST after a 5xx or a network error (it may have been applied)', async () => {
    const h = harness([{ status: 503 }, ok]);
    const error = await caller(h)
      .call(h.call(issueList, { idempotent: false }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteUnavailableError);
    expect((error as Error).message).toContain('not retried');
    expect(h.sends).toBe(1);

    const h2 = harness([{ network: 'ECONNRESET' }, ok]);
    await expect(caller(h2).call(h2.call(issueList, { idempotent: false }))).rejects.toBeInstanceOf(
      RemoteUnavailableError,
    );
    expect(h2.sends).toBe(1);
  });

  it('does retry a POST after a 429 (the request was refused, not applied)', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '1' } }, ok]);
    await caller(h).call(h.call(issueList, { idempotent: false }));
    expect(h.sends).toBe(2);
  });

  it('gives up with RateLimitedError when Retry-After asks for more than it will sleep', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '600' } }, ok]);
    const error = await caller(h, { maxRetryAfterMs: 30_000 })
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(600_000);
    expect((error as RateLimitedError).retryAt).toBe(new Date(START + 600_000).toISOString());
    expect(h.sleeps).toEqual([]);
  });

  it('throws RateLimitedError when 429s outlast the attempts', async () => {
    const h = harness([{ status: 429 }]);
    const error = await caller(h, { maxAttempts: 2 })
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(h.sends).toBe(2);
  });

  it('lets errors that are not transport failures through unchanged, without retrying', async () => {
    const egress = new Error('URL not included in the external fetch backend permissions');
    const h = harness([{ throws: egress }, ok]);
    await expect(caller(h).call(h.call(issueList))).rejects.toBe(egress);
    expect(h.sends).toBe(1);
  });
});

describe('RemoteCaller and the invocation deadline', () => {
  it('never sleeps past the remaining time: stops with OutOfTimeError carrying when to retry', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '20' } }, ok]);
    h.setRemaining(8_000);
    const error = await caller(h)
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfTimeError);
    const outOfTime = error as OutOfTimeError;
    expect(outOfTime.retryAfterMs).toBe(20_000);
    expect(outOfTime.retryAt).toBe(new Date(START + 20_000).toISOString());
    expect(outOfTime.remainingMs).toBe(8_000);
    expect(outOfTime.message).toMatch(/Re-enqueue/);
    expect(h.sleeps).toEqual([]);
    expect(h.sends).toBe(1);
  });

  it("stops at once when Forge refuses the request for the invocation's egress budget (FETCH_LIMIT_EXCEEDED)", async () => {
    const h = harness([{ status: 429, headers: { 'forge-proxy-error': 'FETCH_LIMIT_EXCEEDED' } }, ok]);
    h.setRemaining(30_000);
    const error = await caller(h)
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestBudgetSpentError);
    // An OutOfTimeError: callers that re-enqueue on running out of time continue the work the same way.
    expect(error).toBeInstanceOf(OutOfTimeError);
    expect((error as Error).message).toMatch(/FETCH_LIMIT_EXCEEDED.*Re-enqueue/);
    expect(h.sends).toBe(1);
    expect(h.sleeps).toEqual([]);
  });

  it('sleeps when the wait fits in the remaining time', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '2' } }, ok]);
    h.setRemaining(30_000);
    await caller(h).call(h.call(issueList));
    expect(h.sleeps).toEqual([2000]);
  });

  it('does not start an attempt when too little time is left', async () => {
    const h = harness([ok]);
    h.setRemaining(1_500);
    await expect(
      caller(h, { safetyMarginMs: 1_000, minAttemptMs: 1_000 }).call(h.call(issueList)),
    ).rejects.toBeInstanceOf(OutOfTimeError);
    expect(h.sends).toBe(0);
  });

  it('shortens the attempt timeout to the time left', async () => {
    const h = harness([{ hang: true }]);
    h.setRemaining(1_030);
    // 1,030 ms left minus a 1,000 ms margin leaves 30 ms: the hanging attempt is cut at 30 ms, not 60 s.
    // Jest's fake timers stand in for time: still hanging at 29 ms, aborted at 30 ms.
    jest.useFakeTimers();
    try {
      let settled = false;
      const outcome = caller(h, {
        timeoutMs: 60_000,
        safetyMarginMs: 1_000,
        minAttemptMs: 10,
        maxAttempts: 1,
      })
        .call(h.call(issueList))
        .catch((e: unknown) => e)
        .finally(() => {
          settled = true;
        });
      await jest.advanceTimersByTimeAsync(29);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      expect(await outcome).toBeInstanceOf(RemoteUnavailableError);
      expect(h.aborted).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('RemoteCaller typed errors', () => {
  it('401 becomes AuthError naming the fix, never retried', async () => {
    const h = harness([{ status: 401, body: JSON.stringify({ detail: 'Invalid token' }) }]);
    const error = await caller(h)
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      'Sentry rejected the token (401): Invalid token; create a new one.',
    );
    expect(h.sends).toBe(1);
  });

  it('403 becomes PermissionError naming the needed scope', async () => {
    const h = harness([{ status: 403 }]);
    const error = await caller(h)
      .call(h.call(issueList, { requiredScopes: ['event:write'] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).requiredScopes).toEqual(['event:write']);
    expect((error as Error).message).toContain('event:write');
  });

  it('404 becomes NotFoundError naming what is missing', async () => {
    const h = harness([
      { status: 404, body: JSON.stringify({ detail: 'The requested resource does not exist' }) },
    ]);
    const error = await caller(h)
      .call(h.call(issueList, { resource: 'issue 42 in organization "acme"' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).resource).toBe('issue 42 in organization "acme"');
    expect((error as Error).message).toContain('issue 42 in organization "acme"');
    expect((error as Error).message).toContain('The requested resource does not exist');
  });

  it('other 4xx become RemoteRequestError with the remote explanation (Jira and SonarCloud bodies too)', async () => {
    const jira = harness([
      { status: 400, body: JSON.stringify({ errorMessages: [], errors: { summary: 'required' } }) },
    ]);
    const jiraError = await caller(jira)
      .call(jira.call(null))
      .catch((e: unknown) => e);
    expect(jiraError).toBeInstanceOf(RemoteRequestError);
    expect((jiraError as Error).message).toContain('summary: required');

    const sonar = harness([
      { status: 400, body: JSON.stringify({ errors: [{ msg: "Value of parameter 'ps' is too big" }] }) },
    ]);
    const sonarError = await caller(sonar)
      .call(sonar.call(null))
      .catch((e: unknown) => e);
    expect((sonarError as Error).message).toContain("Value of parameter 'ps' is too big");
  });

  it('a body that is not JSON becomes MalformedResponseError saying so', async () => {
    const h = harness([{ status: 200, body: '<html><body>Sign in</body></html>' }]);
    const error = await caller(h)
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toContain('not JSON');
    expect((error as Error).message).toContain('<html><body>Sign in');
  });

  it('a truncated body becomes MalformedResponseError, not a crash', async () => {
    const h = harness([{ status: 200, body: '[{"id": "1"}, {"id": "2' }]);
    await expect(caller(h).call(h.call(issueList))).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('JSON of the wrong shape becomes MalformedResponseError naming the field', async () => {
    const h = harness([{ status: 200, body: JSON.stringify([{ id: 7 }]) }]);
    const error = await caller(h)
      .call(h.call(issueList))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).problems[0]).toMatch(/^0\.id: /);
    expect((error as Error).message).toContain('not as its API documents');
  });

  it('an empty 204 passes a schema that allows no body, and a null schema ignores the body', async () => {
    const h = harness([{ status: 204 }]);
    const result = await caller(h).call(h.call(z.union([z.object({ status: z.string() }), z.undefined()])));
    expect(result.data).toBeUndefined();
    const h2 = harness([{ status: 200, body: 'not json at all' }]);
    await expect(caller(h2).call(h2.call(null))).resolves.toMatchObject({ status: 200 });
  });
});
