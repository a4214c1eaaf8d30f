// Turns Forge's web trigger request into the use cases' WebhookRequest, and their answer into the
// dynamic response manifest.yml declares ({statusCode, headers: Record<string, string[]>, body}).
import { z } from 'zod';
import {
  logDelivery,
  type WebhookAnswer,
  type WebhookRequest,
} from '../../services/webhooks/webhook-delivery';

const valuesSchema = z.record(z.string(), z.array(z.string()));

const webTriggerRequestSchema = z.object({
  method: z.string().min(1),
  headers: valuesSchema.nullish().transform((headers) => headers ?? {}),
  body: z
    .string()
    .nullish()
    .transform((body) => body ?? ''),
  queryParameters: valuesSchema.nullish().transform((parameters) => parameters ?? {}),
});

export interface WebTriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

/**
 * The request as the use cases read it, header names in lower case; null when Forge sent something else.
 * Forge passes header names as the caller cased them ("Sentry-Hook-Signature"), and HTTP names are
 * case-insensitive: names that differ only in case are one header, their values kept in order.
 */
export function toWebhookRequest(event: unknown): WebhookRequest | null {
  const parsed = webTriggerRequestSchema.safeParse(event);
  if (!parsed.success) return null;
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(parsed.data.headers)) {
    const lower = name.toLowerCase();
    headers[lower] = [...(headers[lower] ?? []), ...values];
  }
  return { ...parsed.data, headers };
}

export function toWebTriggerResponse(answer: WebhookAnswer): WebTriggerResponse {
  return {
    statusCode: answer.status,
    headers: { 'Content-Type': ['application/json'], 'Cache-Control': ['no-store'] },
    body: JSON.stringify(answer.body),
  };
}

/**
 * Runs a use case on a web trigger event. An unexpected error answers 500 with a fixed sentence: the
 * caller may be anyone, and an error's message can carry internal detail (keys, ids, what failed). The
 * detail goes to the sync log for admins (sharing the refusal log's cap) and the app's log, without a
 * stack.
 */
export async function serveWebhook(
  event: unknown,
  what: string,
  source: 'sentry' | 'sonarcloud',
  handle: (request: WebhookRequest) => Promise<WebhookAnswer>,
): Promise<WebTriggerResponse> {
  const startedAt = Date.now();
  const request = toWebhookRequest(event);
  if (!request) {
    return toWebTriggerResponse({
      status: 400,
      body: { outcome: 'refused', message: `The ${what} request is not an HTTP request with a method.` },
    });
  }
  try {
    return toWebTriggerResponse(await handle(request));
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const message = `the delivery failed unexpectedly (${detail.slice(0, 300)}); the sender was answered 500.`;
    console.error(`The ${what} web trigger failed unexpectedly: ${detail.slice(0, 300)}`);
    await logDelivery({
      source,
      connectionId: null,
      projectId: null,
      startedAt,
      outcome: 'failed',
      message,
      bounded: true,
    });
    return toWebTriggerResponse({ status: 500, body: { outcome: 'failed', message: UNEXPECTED_FAILURE } });
  }
}

/** The answer to a delivery whose handling failed unexpectedly: the same words whatever went wrong. */
export const UNEXPECTED_FAILURE =
  'The delivery could not be processed because of an error in Product health; the reason is in its sync log. ' +
  'A retry of the delivery or the scheduled sync records it.';
