/**
 * The webhook URL of each connection, for the admin page to show next to it: the web trigger's URL
 * (webTrigger.getUrl) with `?connection=<id>`, so one app installation serves any number of Sentry
 * and SonarCloud organizations, each verified with its own secret.
 */
import { webTrigger } from '@forge/api';
import type { Connection } from '../../domain/model';
import { listConnections } from '../../storage';
import { CONNECTION_QUERY_PARAMETER } from './webhook-delivery';

/** manifest.yml web trigger keys. */
export const WEBHOOK_MODULE_KEYS = {
  sentry: 'sentry-webhook',
  sonarcloud: 'sonarcloud-webhook',
} as const satisfies Record<Connection['kind'], string>;

export interface ConnectionWebhookUrl {
  connectionId: string;
  kind: Connection['kind'];
  label: string;
  /** Paste into the Sentry integration's Webhook URL, or SonarCloud's webhook URL. */
  url: string;
  /** False: deliveries are refused until a secret is saved (the app cannot verify them). */
  hasWebhookSecret: boolean;
  paused: boolean;
  /** Where to paste it and which secret goes with it. */
  instructions: string;
}

export interface WebhookUrlsView {
  connections: ConnectionWebhookUrl[];
  /** The web trigger URLs without a connection: deliveries are matched to a connection by their signature. */
  triggers: Record<Connection['kind'], string>;
}

/** `base` with `?connection=<id>` (added to any query the base URL already has). */
export function webhookUrlFor(baseUrl: string, connectionId: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set(CONNECTION_QUERY_PARAMETER, connectionId);
  return url.toString();
}

function instructionsFor(connection: Connection): string {
  if (connection.kind === 'sentry') {
    return (
      `In Sentry (organization "${connection.organizationSlug}"): Settings > Developer Settings > your integration: ` +
      'paste this as the Webhook URL, tick Alert Rule Action if you want alerts, subscribe to Issue and Error, and ' +
      "save the integration's Client Secret in this connection as its webhook secret."
    );
  }
  return (
    `In SonarCloud (organization "${connection.organizationKey}"): Administration > Webhooks > Create: paste this URL ` +
    'and set a Secret; save the same secret in this connection: deliveries are refused until it is saved.'
  );
}

/** One connection's webhook URL and where to paste it (shown when the connection is added). */
export async function getWebhookUrlOf(
  connection: Connection,
): Promise<{ url: string; instructions: string }> {
  const base = await webTrigger.getUrl(WEBHOOK_MODULE_KEYS[connection.kind]);
  return { url: webhookUrlFor(base, connection.id), instructions: instructionsFor(connection) };
}

export async function getWebhookUrls(): Promise<WebhookUrlsView> {
  const [connections, sentryUrl, sonarUrl] = await Promise.all([
    listConnections(),
    webTrigger.getUrl(WEBHOOK_MODULE_KEYS.sentry),
    webTrigger.getUrl(WEBHOOK_MODULE_KEYS.sonarcloud),
  ]);
  const triggers = { sentry: sentryUrl, sonarcloud: sonarUrl };
  return {
    triggers,
    connections: connections
      .map((connection): ConnectionWebhookUrl => ({
        connectionId: connection.id,
        kind: connection.kind,
        label: connection.label,
        url: webhookUrlFor(triggers[connection.kind], connection.id),
        hasWebhookSecret: connection.hasWebhookSecret,
        paused: connection.paused,
        instructions: instructionsFor(connection),
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label)),
  };
}
