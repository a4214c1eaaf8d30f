// Adds a Sentry or SonarCloud organization from the settings page: the form is checked field by field,
// the token and webhook secret go to a KVS secret, and the answer carries the webhook URL to paste.
import {
  fieldErrorsOf,
  newConnectionSchema,
  sentryRegionName,
  type ConnectionSaveResult,
} from '../../domain/connection-settings';
import type { Connection, SentryConnection, SonarCloudConnection } from '../../domain/model';
import { listConnections, saveConnection, StorageConflictError } from '../../storage';
import { toReadableConnection } from './connection-labels';
import { getWebhookUrlOf } from '../webhooks/webhook-urls';
import { invalidFields } from './connection-records';

/** A connection before it has an id (Omit of the union would lose each kind's own fields). */
type DraftConnection = Omit<SentryConnection, 'id'> | Omit<SonarCloudConnection, 'id'>;

function sameOrganization(a: Connection, b: DraftConnection): boolean {
  if (a.kind === 'sentry' && b.kind === 'sentry') {
    return a.organizationSlug === b.organizationSlug && a.region === b.region;
  }
  if (a.kind === 'sonarcloud' && b.kind === 'sonarcloud') return a.organizationKey === b.organizationKey;
  return false;
}

/**
 * A readable id that also names the connection in its webhook URL (`sentry-acme`, `sentry-de-acme`,
 * `sonarcloud-acme`), with a number added if an older record already uses it.
 */
function newConnectionId(connection: DraftConnection, taken: ReadonlySet<string>): string {
  const base =
    connection.kind === 'sentry'
      ? `sentry-${connection.region === 'de' ? 'de-' : ''}${connection.organizationSlug}`
      : `sonarcloud-${connection.organizationKey}`;
  // Slugs and keys are already key-safe (checked by the form's schema).
  let id = base;
  for (let suffix = 2; taken.has(id); suffix++) id = `${base}-${suffix}`;
  return id;
}

/**
 * Checks the form (`input` as the page sent it) and saves the connection. Bad fields, or an
 * organization that is already connected, are refused with a message per field (the error's `fields`)
 * and change nothing. Callers check that the caller is a Jira admin first.
 */
export async function addConnection(input: unknown, now: Date = new Date()): Promise<ConnectionSaveResult> {
  const parsed = newConnectionSchema.safeParse(input);
  if (!parsed.success) throw invalidFields(fieldErrorsOf(parsed.error));
  const { token, webhookSecret, ...fields } = parsed.data;
  const at = now.toISOString();
  const common = {
    label: fields.label,
    paused: false,
    hasToken: false,
    hasWebhookSecret: false,
    createdAt: at,
    updatedAt: at,
  };
  const draft: DraftConnection =
    fields.kind === 'sentry'
      ? { ...common, kind: 'sentry', organizationSlug: fields.organizationSlug, region: fields.region }
      : { ...common, kind: 'sonarcloud', organizationKey: fields.organizationKey };

  const existing = await listConnections();
  const duplicate = existing.find((connection) => sameOrganization(connection, draft));
  if (duplicate) {
    const what =
      draft.kind === 'sentry'
        ? `The Sentry organization "${draft.organizationSlug}" in ${sentryRegionName(draft.region)}`
        : `The SonarCloud organization "${draft.organizationKey}"`;
    const field = draft.kind === 'sentry' ? 'organizationSlug' : 'organizationKey';
    const message =
      duplicate.removingSince !== undefined
        ? `${what} is being removed: finish removing "${duplicate.label}" first, then add it again.`
        : `${what} is already connected as "${duplicate.label}": test it or rotate its token there instead.`;
    throw invalidFields({ [field]: message }, StorageConflictError);
  }

  const id = newConnectionId(draft, new Set(existing.map((connection) => connection.id)));
  const saved = await saveConnection(
    { ...draft, id } as Connection,
    webhookSecret !== undefined ? { token, webhookSecret } : { token },
  );
  return { connection: toReadableConnection(saved), webhook: await getWebhookUrlOf(saved) };
}
