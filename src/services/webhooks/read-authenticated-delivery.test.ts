// The steps both web triggers take once a delivery is authenticated: paused first (nothing parsed), then
// the body as JSON, then the sender's schema; every refusal with the parser's words, never the body.
import type { Connection } from '../../domain/model';
import { answer, readAuthenticatedDelivery, type DeliveryResponder } from './webhook-delivery';

const SONAR: Connection = {
  id: 'sonar-acme',
  kind: 'sonarcloud',
  organizationKey: 'acme',
  label: '',
  paused: false,
  hasToken: true,
  hasWebhookSecret: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function recordingResponder(): { respond: DeliveryResponder; calls: string[] } {
  const calls: string[] = [];
  const respond: DeliveryResponder = {
    log: () => Promise.resolve(),
    prefetch: () => undefined,
    refuse: (status, message) => {
      calls.push(`refuse ${status} ${message}`);
      return Promise.resolve(answer(status, 'refused', message));
    },
    ignore: (message, _connectionId, _projectId, options) => {
      calls.push(`ignore ${options?.bounded === true ? 'bounded' : 'unbounded'} ${message}`);
      return Promise.resolve(answer(200, 'ignored', message));
    },
    fail: (message) => Promise.resolve(answer(500, 'failed', message)),
  };
  return { respond, calls };
}

const parseNumber = (body: unknown) =>
  typeof body === 'number'
    ? { ok: true as const, webhook: body }
    : { ok: false as const, error: 'not a number' };

describe('readAuthenticatedDelivery', () => {
  it('acknowledges a paused connection before reading the body (bounded: a replay could repeat it)', async () => {
    const { respond, calls } = recordingResponder();
    const read = await readAuthenticatedDelivery(
      respond,
      { ...SONAR, paused: true },
      '{not json',
      parseNumber,
    );
    expect(read).toMatchObject({ ok: false, answer: { status: 200, body: { outcome: 'ignored' } } });
    expect(calls).toEqual([
      'ignore bounded the connection "acme" is paused, so nothing was recorded; the scheduled sync catches up after it is resumed.',
    ]);
  });

  it('refuses a body that is not JSON without quoting it, and one its schema refuses with the schema words', async () => {
    const { respond, calls } = recordingResponder();
    const notJson = await readAuthenticatedDelivery(respond, SONAR, '{"secret": tok', parseNumber);
    const wrong = await readAuthenticatedDelivery(respond, SONAR, '"text"', parseNumber);
    expect(notJson).toMatchObject({ ok: false, answer: { status: 400 } });
    expect(wrong).toMatchObject({ ok: false, answer: { status: 400 } });
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/^refuse 400 The SonarCloud webhook body is not valid JSON/);
    expect(calls[0]).not.toMatch(/tok/);
    expect(calls[1]).toBe('refuse 400 not a number');
  });

  it('gives the parsed webhook of a valid body of an active connection', async () => {
    const { respond, calls } = recordingResponder();
    expect(await readAuthenticatedDelivery(respond, SONAR, '42', parseNumber)).toEqual({
      ok: true,
      webhook: 42,
    });
    expect(calls).toEqual([]);
  });
});
