import { serveWebhook, toWebhookRequest, UNEXPECTED_FAILURE } from './web-trigger-io';

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

describe('serveWebhook', () => {
  it('answers an unexpected failure with a fixed sentence: the detail goes to the logs only', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await serveWebhook(
      { method: 'POST', headers: {}, body: '{}' },
      'Sentry webhook',
      'sentry',
      async () => {
        throw new Error('The storage key conn:internal-detail is 612 characters long');
      },
    );
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ outcome: 'failed', message: UNEXPECTED_FAILURE });
    expect(response.body).not.toContain('internal-detail');
    expect(error).toHaveBeenCalledWith(expect.stringContaining('internal-detail'));
    error.mockRestore();
  });
});
