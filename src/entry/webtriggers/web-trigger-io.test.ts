import { toWebhookRequest } from './web-trigger-io';

describe('toWebhookRequest', () => {
  it('keys headers by lower-case name, joining names that differ only in case', () => {
    const request = toWebhookRequest({
      method: 'POST',
      headers: {
        'Sentry-Hook-Signature': ['abc'],
        'X-Forwarded-For': ['1.1.1.1'],
        'x-forwarded-for': ['2.2.2.2'],
      },
      body: '{}',
    });
    expect(request?.headers).toEqual({
      'sentry-hook-signature': ['abc'],
      'x-forwarded-for': ['1.1.1.1', '2.2.2.2'],
    });
  });

  it('is null for an event that is not an HTTP request', () => {
    expect(toWebhookRequest({ headers: {} })).toBeNull();
  });
});
