// Web trigger `sonarcloud-webhook`: SonarCloud analysis webhooks (see services/handle-sonarcloud-webhook.ts).
import { handleSonarCloudDelivery } from '../../services/webhooks/handle-sonarcloud-webhook';
import { serveWebhook, type WebTriggerResponse } from './web-trigger-io';

export async function handleSonarCloudWebhook(event: unknown): Promise<WebTriggerResponse> {
  return serveWebhook(event, 'SonarCloud webhook', 'sonarcloud', handleSonarCloudDelivery);
}
