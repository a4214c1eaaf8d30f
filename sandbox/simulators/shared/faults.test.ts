import { SENTRY_DEMO_TOKENS, SentrySimulator } from '../sentry';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const ISSUES = 'https://sentry.io/api/0/organizations/acme/issues/?query=&limit=3';
const PROJECTS = 'https://sentry.io/api/0/organizations/acme/projects/';

const request = (url: string, signal?: AbortSignal): Request =>
  new Request(url, {
    headers: { authorization: `Bearer ${SENTRY_DEMO_TOKENS.full}` },
    ...(signal ? { signal } : {}),
  });

describe('fault injection', () => {
  let sim: SentrySimulator;
  beforeEach(() => {
    sim = new SentrySimulator({ now: () => NOW });
  });

  it('answers 429 with Retry-After for the given number of matching requests, then recovers', async () => {
    const fault = sim.injectFault({
      kind: 'status',
      status: 429,
      times: 2,
      match: (r) => r.path.endsWith('/issues/'),
    });
    expect((await sim.handle(request(PROJECTS))).status).toBe(200);
    for (let i = 0; i < 2; i += 1) {
      const r = await sim.handle(request(ISSUES));
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(((await r.json()) as { detail: string }).detail).toMatch(/Rate limit/);
    }
    expect((await sim.handle(request(ISSUES))).status).toBe(200);
    expect(fault.hits).toBe(2);
    expect(fault.remaining).toBe(0);
    expect(sim.requestLog.entries.map((e) => e.fault ?? null)).toEqual([null, 'status', 'status', null]);
  });

  it('sends Retry-After as an HTTP date, or not at all', async () => {
    const date = new Date(NOW + 30_000).toUTCString();
    sim.injectFault({ kind: 'status', status: 503, retryAfter: date });
    sim.injectFault({ kind: 'status', status: 429, retryAfter: null });
    const first = await sim.handle(request(ISSUES));
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, date]);
    const second = await sim.handle(request(ISSUES));
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, null]);
  });

  it.each([500, 502, 503, 504])('answers %d until cleared when times is Infinity', async (status) => {
    sim.injectFault({ kind: 'status', status, times: Infinity });
    for (let i = 0; i < 5; i += 1) expect((await sim.handle(request(ISSUES))).status).toBe(status);
    sim.clearFaults();
    expect((await sim.handle(request(ISSUES))).status).toBe(200);
  });

  // Slow answers run on Jest's fake timers: the tests move time and say what is settled when.
  describe('slow answers', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('delays a slow answer past a client timeout, honouring the abort signal', async () => {
      sim.injectFault({ kind: 'slow', delayMs: 5_000 });
      const controller = new AbortController();
      const answer = sim.handle(request(ISSUES, controller.signal));
      const outcome = answer.catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(30);
      controller.abort(new DOMException('The client gave up', 'TimeoutError'));
      // Rejected when the client aborted, 30 ms in, not when the 5 s delay would have ended.
      expect(await outcome).toMatchObject({ name: 'TimeoutError' });
      expect(jest.getTimerCount()).toBe(0);
      expect(sim.requestLog.entries[0]).toMatchObject({ status: 0, fault: 'slow' });
    });

    it('answers normally after a slow delay when nobody aborts', async () => {
      sim.injectFault({ kind: 'slow', delayMs: 40 });
      let settled = false;
      const answer = sim.handle(request(ISSUES)).finally(() => {
        settled = true;
      });
      await jest.advanceTimersByTimeAsync(39);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      const r = await answer;
      expect(r.status).toBe(200);
      expect(await r.json()).toHaveLength(3);
    });
  });

  it('truncates the body of the real answer', async () => {
    const full = await (await sim.handle(request(ISSUES))).text();
    sim.injectFault({ kind: 'truncated' });
    const r = await sim.handle(request(ISSUES));
    const cut = await r.text();
    expect(r.status).toBe(200);
    expect(cut.length).toBeLessThan(full.length);
    expect(full.startsWith(cut)).toBe(true);
    expect(() => JSON.parse(cut) as unknown).toThrow();
  });

  it('malforms answers: an HTML page, or JSON of the wrong shape', async () => {
    sim.injectFault({ kind: 'malformed' });
    const html = await sim.handle(request(ISSUES));
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    await expect(html.json()).rejects.toThrow();
    sim.injectFault({ kind: 'malformed', malformed: 'wrong-shape' });
    const wrong = (await (await sim.handle(request(ISSUES))).json()) as unknown;
    expect(Array.isArray(wrong)).toBe(false);
    expect(wrong).toMatchObject({ unexpected: true });
  });

  it('fails like a broken network', async () => {
    sim.injectFault({ kind: 'network' });
    await expect(sim.handle(request(ISSUES))).rejects.toBeInstanceOf(TypeError);
    expect(sim.requestLog.entries[0]).toMatchObject({ status: 0, fault: 'network' });
    expect((await sim.handle(request(ISSUES))).status).toBe(200);
  });

  it('refuses nonsense fault specs', () => {
    expect(() => sim.injectFault({ kind: 'status', status: 200 })).toThrow(/4xx or 5xx/);
    expect(() => sim.injectFault({ kind: 'status', times: 0 })).toThrow(/at least 1/);
  });

  it('stops a cancelled fault', async () => {
    const fault = sim.injectFault({ kind: 'status', status: 500, times: Infinity });
    fault.cancel();
    expect((await sim.handle(request(ISSUES))).status).toBe(200);
  });
});
