// Web trigger `sentry-webhook`: Sentry integration-platform webhooks (see services/handle-sentry-webhook.ts).
import { handleSentryDelivery } from '../../services/webhooks/handle-sentry-webhook';
import { serveWebhook, type WebTriggerResponse } from './web-trigger-io';

export async function handleSentryWebhook(event: unknown): Promise<WebTriggerResponse> {
  return serveWebhook(event, 'Sentry webhook', 'sentry', (request) => handleSentryDelivery(request));
}
