// Sentry integration-platform webhook bodies, validated by resource (the `Sentry-Hook-Resource` header).
// Shapes follow Sentry's integration-platform webhook documentation (issues, issue alerts, errors,
// installation). Unknown fields are kept out of the parsed result; unknown resources and actions are
// acknowledged and ignored on purpose, so Sentry adding a new kind of delivery never turns into errors.
import { z } from 'zod';
import { countSchema, nullableStringSchema, timestampSchema } from '../wire-schemas';
import { describeZodError, invalidJsonBodyError } from './validation';

/** Sentry sends most ids as strings, but some (a user actor's id, an event's project) as numbers. */
const idSchema = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

export const SENTRY_LEVELS = ['fatal', 'error', 'warning', 'info', 'debug', 'sample', 'unknown'] as const;
export type SentryWireLevel = (typeof SENTRY_LEVELS)[number];

/** `muted` is the pre-2017 name of `ignored`, still found in old payloads. */
export const SENTRY_WIRE_STATUSES = [
  'resolved',
  'unresolved',
  'ignored',
  'reprocessing',
  'pending_deletion',
  'pending_merge',
  'muted',
] as const;
export type SentryWireStatus = (typeof SENTRY_WIRE_STATUSES)[number];

/**
 * Who made the change. Sentry itself is `{type: 'application', id: 'sentry'}`; a change made through an
 * integration's token is `{type: 'application', id: <that app's uuid>}` (the app's own echo); a person is
 * `{type: 'user', id: <numeric id>}`.
 */
export const sentryActorSchema = z.object({
  type: z.enum(['user', 'application', 'sentry_app']),
  id: idSchema,
  name: z
    .string()
    .nullish()
    .transform((name) => name ?? ''),
});
export type SentryActor = z.output<typeof sentryActorSchema>;

export const sentryWebhookIssueSchema = z.object({
  id: idSchema,
  shortId: z.string().min(1),
  title: z.string(),
  culprit: nullableStringSchema,
  level: z.enum(SENTRY_LEVELS),
  status: z.enum(SENTRY_WIRE_STATUSES),
  substatus: nullableStringSchema,
  project: z.object({ id: idSchema, slug: z.string().min(1), name: z.string().optional() }),
  firstSeen: timestampSchema,
  lastSeen: timestampSchema,
  count: countSchema,
  userCount: countSchema.optional(),
  permalink: nullableStringSchema,
  /** Newer payloads carry the issue's page as `web_url` (permalink is often null in webhooks). */
  web_url: z.string().optional(),
  url: z.string().optional(),
  statusDetails: z.record(z.string(), z.unknown()).nullish(),
  assignedTo: z
    .object({ type: z.string(), id: idSchema, name: z.string().nullish() })
    .nullish()
    .transform((value) => value ?? null),
});
export type SentryWebhookIssue = z.output<typeof sentryWebhookIssueSchema>;

/** The event inside `event_alert` (as `data.event`) and `error` (as `data.error`) deliveries. */
export const sentryWebhookEventSchema = z.object({
  event_id: z.string().min(1),
  issue_id: idSchema.optional(),
  title: z.string().optional(),
  culprit: z.string().nullish(),
  level: z.string().optional(),
  datetime: timestampSchema.optional(),
  release: z.string().nullish(),
  project: idSchema.optional(),
  web_url: z.string().optional(),
  issue_url: z.string().optional(),
});
export type SentryWebhookEvent = z.output<typeof sentryWebhookEventSchema>;

const installationRefSchema = z
  .object({ uuid: z.string().min(1) })
  .nullish()
  .transform((value) => value?.uuid ?? null);

const envelope = {
  actor: sentryActorSchema.nullish().transform((value) => value ?? null),
  installation: installationRefSchema,
};

export const SENTRY_ISSUE_ACTIONS = [
  'created',
  'resolved',
  'assigned',
  'ignored',
  'archived',
  'unresolved',
] as const;
export type SentryIssueAction = (typeof SENTRY_ISSUE_ACTIONS)[number];

const issueBodySchema = z.object({
  ...envelope,
  action: z.enum(SENTRY_ISSUE_ACTIONS),
  data: z.object({
    issue: sentryWebhookIssueSchema,
    /** On `resolved`: how (now, in_next_release, in_release, in_commit...). */
    resolution_type: z.string().optional(),
  }),
});

const eventAlertBodySchema = z.object({
  ...envelope,
  action: z.literal('triggered'),
  data: z.object({
    event: sentryWebhookEventSchema.extend({ issue_id: idSchema }),
    triggered_rule: z.string(),
  }),
});

const errorBodySchema = z.object({
  ...envelope,
  action: z.literal('created'),
  data: z.object({ error: sentryWebhookEventSchema }),
});

const installationBodySchema = z.object({
  ...envelope,
  action: z.enum(['created', 'deleted']),
  data: z.object({
    installation: z.object({
      uuid: z.string().min(1),
      organization: z.object({ slug: z.string().min(1) }),
      app: z.object({ uuid: z.string().optional(), slug: z.string().optional() }).optional(),
      status: z.string().optional(),
    }),
  }),
});

interface WebhookEnvelope {
  actor: SentryActor | null;
  /** `installation.uuid`: which installation of the integration sent the delivery. */
  installationUuid: string | null;
}

export interface SentryIssueWebhook extends WebhookEnvelope {
  resource: 'issue';
  action: SentryIssueAction;
  issue: SentryWebhookIssue;
  resolutionType: string | null;
}

export interface SentryEventAlertWebhook extends WebhookEnvelope {
  resource: 'event_alert';
  action: 'triggered';
  event: SentryWebhookEvent & { issue_id: string };
  triggeredRule: string;
}

export interface SentryErrorWebhook extends WebhookEnvelope {
  resource: 'error';
  action: 'created';
  error: SentryWebhookEvent;
}

export interface SentryInstallationWebhook extends WebhookEnvelope {
  resource: 'installation';
  action: 'created' | 'deleted';
  installation: { uuid: string; organizationSlug: string; appSlug: string | null };
}

/** A well-formed delivery the app does not act on (other resources, new actions): answer 200 and move on. */
export interface SentryIgnoredWebhook {
  resource: 'ignored';
  /** The `Sentry-Hook-Resource` value as received. */
  hookResource: string;
  action: string | null;
  reason: string;
}

export type SentryWebhook =
  | SentryIssueWebhook
  | SentryEventAlertWebhook
  | SentryErrorWebhook
  | SentryInstallationWebhook
  | SentryIgnoredWebhook;

export type SentryWebhookParseResult = { ok: true; webhook: SentryWebhook } | { ok: false; error: string };

export const HANDLED_SENTRY_RESOURCES = ['issue', 'event_alert', 'error', 'installation'] as const;

const HANDLED_ACTIONS: Record<(typeof HANDLED_SENTRY_RESOURCES)[number], readonly string[]> = {
  issue: SENTRY_ISSUE_ACTIONS,
  event_alert: ['triggered'],
  error: ['created'],
  installation: ['created', 'deleted'],
};

function isHandledResource(resource: string): resource is (typeof HANDLED_SENTRY_RESOURCES)[number] {
  return (HANDLED_SENTRY_RESOURCES as readonly string[]).includes(resource);
}

function failure(resource: string, error: z.ZodError): SentryWebhookParseResult {
  return { ok: false, error: `Sentry ${resource} webhook is malformed: ${describeZodError(error)}` };
}

/**
 * Validates a parsed JSON body against the schema for its `Sentry-Hook-Resource`.
 * Returns the typed delivery, an `ignored` delivery for resources or actions the app does not act on,
 * or an error naming the wrong field ("data.issue.id is missing").
 */
export function parseSentryWebhook(
  resourceHeader: string | null | undefined,
  body: unknown,
): SentryWebhookParseResult {
  const resource = resourceHeader?.trim() ?? '';
  if (resource === '') {
    return {
      ok: false,
      error: 'The delivery has no Sentry-Hook-Resource header, so its body cannot be read.',
    };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: `Sentry ${resource} webhook body must be a JSON object.` };
  }
  const action = (body as { action?: unknown }).action;
  const actionName = typeof action === 'string' ? action : null;

  if (!isHandledResource(resource)) {
    return {
      ok: true,
      webhook: {
        resource: 'ignored',
        hookResource: resource,
        action: actionName,
        reason: `resource "${resource}" is not used`,
      },
    };
  }
  if (actionName === null) {
    return { ok: false, error: `Sentry ${resource} webhook is malformed: action is missing` };
  }
  if (!HANDLED_ACTIONS[resource].includes(actionName)) {
    return {
      ok: true,
      webhook: {
        resource: 'ignored',
        hookResource: resource,
        action: actionName,
        reason: `${resource} action "${actionName}" is not used`,
      },
    };
  }

  switch (resource) {
    case 'issue': {
      const parsed = issueBodySchema.safeParse(body);
      if (!parsed.success) return failure(resource, parsed.error);
      const { actor, installation, action: issueAction, data } = parsed.data;
      return {
        ok: true,
        webhook: {
          resource,
          action: issueAction,
          actor,
          installationUuid: installation,
          issue: data.issue,
          resolutionType: data.resolution_type ?? null,
        },
      };
    }
    case 'event_alert': {
      const parsed = eventAlertBodySchema.safeParse(body);
      if (!parsed.success) return failure(resource, parsed.error);
      const { actor, installation, data } = parsed.data;
      return {
        ok: true,
        webhook: {
          resource,
          action: 'triggered',
          actor,
          installationUuid: installation,
          event: data.event,
          triggeredRule: data.triggered_rule,
        },
      };
    }
    case 'error': {
      const parsed = errorBodySchema.safeParse(body);
      if (!parsed.success) return failure(resource, parsed.error);
      const { actor, installation, data } = parsed.data;
      return {
        ok: true,
        webhook: { resource, action: 'created', actor, installationUuid: installation, error: data.error },
      };
    }
    case 'installation': {
      const parsed = installationBodySchema.safeParse(body);
      if (!parsed.success) return failure(resource, parsed.error);
      const { actor, installation, action: installationAction, data } = parsed.data;
      return {
        ok: true,
        webhook: {
          resource,
          action: installationAction,
          actor,
          installationUuid: installation ?? data.installation.uuid,
          installation: {
            uuid: data.installation.uuid,
            organizationSlug: data.installation.organization.slug,
            appSlug: data.installation.app?.slug ?? null,
          },
        },
      };
    }
  }
}

/** `parseSentryWebhook` on the raw body, with a clear error when the body is not JSON. */
export function parseSentryWebhookBody(
  resourceHeader: string | null | undefined,
  rawBody: string,
): SentryWebhookParseResult {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, error: invalidJsonBodyError('Sentry', rawBody) };
  }
  return parseSentryWebhook(resourceHeader, body);
}

/**
 * True when the change was made by this app (through its own integration), so acting on it would echo
 * the app's own write back. `ownAppIds` are the integration's uuid (and slug, if known).
 */
export function isOwnChange(actor: SentryActor | null, ownAppIds: readonly string[]): boolean {
  if (actor === null || actor.type === 'user') return false;
  return ownAppIds.includes(actor.id);
}

/** The Sentry issue a delivery is about, or null when it concerns no single issue. */
export function webhookIssueId(webhook: SentryWebhook): string | null {
  switch (webhook.resource) {
    case 'issue':
      return webhook.issue.id;
    case 'event_alert':
      return webhook.event.issue_id;
    case 'error':
      return webhook.error.issue_id ?? null;
    default:
      return null;
  }
}
