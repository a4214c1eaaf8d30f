// What the global settings page sends to add or change a connection, the rules each field follows, and
// what the connection resolvers answer. Pure: no Forge import, so the pages can import the types too.
import { z } from 'zod';
import type { Connection, SentryRegion } from './model';

/**
 * Sentry organization slugs: lower-case letters, digits and hyphens, not only digits, no hyphen at
 * either end, at most 50 characters (Sentry's own rule: getsentry/sentry pull requests 55120 and 91429).
 */
export const SENTRY_ORGANIZATION_SLUG = /^(?![0-9]+$)[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;
/**
 * SonarCloud organization keys: lower-case letters, digits, '-' and '_', at most 255 characters
 * (SonarQube's OrganizationValidation accepts only keys that are their own slug).
 */
export const SONARCLOUD_ORGANIZATION_KEY = /^[a-z0-9][a-z0-9_-]{0,254}$/;

export const CONNECTION_LABEL_MAX = 100;
/** Generous: Sentry and SonarCloud tokens are well under 200 characters. */
export const CONNECTION_SECRET_MAX = 1_000;

const label = z
  .string()
  .trim()
  .min(1, 'Give the connection a name, e.g. the organization’s name.')
  .max(CONNECTION_LABEL_MAX, `Keep the name to ${CONNECTION_LABEL_MAX} characters.`);

/** A secret as typed: surrounding spaces dropped (a pasted token often carries a newline). */
const secret = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Paste the ${what}.`)
    .max(
      CONNECTION_SECRET_MAX,
      `That is longer than any ${what} (${CONNECTION_SECRET_MAX} characters at most).`,
    )
    .regex(/^\S+$/, `The ${what} has spaces inside it: paste it again, without line breaks.`);

/** An optional secret: empty means "not now". */
const optionalSecret = (what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(secret(what).optional());

export const sentryOrganizationSlugSchema = z
  .string()
  .trim()
  .min(1, 'Enter the organization slug, as in https://<slug>.sentry.io.')
  .regex(
    SENTRY_ORGANIZATION_SLUG,
    'A Sentry organization slug is lower-case letters, digits and hyphens (not only digits, at most 50), ' +
      'as in https://<slug>.sentry.io or sentry.io/organizations/<slug>/.',
  );

export const sonarCloudOrganizationKeySchema = z
  .string()
  .trim()
  .min(1, 'Enter the organization key, as in https://sonarcloud.io/organizations/<key>.')
  .regex(
    SONARCLOUD_ORGANIZATION_KEY,
    'A SonarCloud organization key is lower-case letters, digits, hyphens and underscores (at most 255), ' +
      'as in https://sonarcloud.io/organizations/<key>.',
  );

export const sentryRegionSchema = z.enum(['us', 'de'], {
  error: 'Choose the region the organization lives in: US (sentry.io) or EU (de.sentry.io).',
});

/** A new Sentry organization, as the add form sends it. */
export const newSentryConnectionSchema = z.strictObject({
  kind: z.literal('sentry'),
  label,
  organizationSlug: sentryOrganizationSlugSchema,
  region: sentryRegionSchema,
  token: secret('auth token'),
  webhookSecret: optionalSecret('client secret'),
});

/** A new SonarCloud organization, as the add form sends it. */
export const newSonarCloudConnectionSchema = z.strictObject({
  kind: z.literal('sonarcloud'),
  label,
  organizationKey: sonarCloudOrganizationKeySchema,
  token: secret('token'),
  webhookSecret: optionalSecret('webhook secret'),
});

export const newConnectionSchema = z.discriminatedUnion('kind', [
  newSentryConnectionSchema,
  newSonarCloudConnectionSchema,
]);
export type NewConnectionInput = z.output<typeof newConnectionSchema>;

export const connectionLabelSchema = label;
/** The token or the webhook secret, for rotating one of them. */
export const connectionSecretFieldSchema = z.enum(['token', 'webhookSecret']);
export type ConnectionSecretField = z.output<typeof connectionSecretFieldSchema>;
export const connectionSecretValueSchema = secret('new value');

/**
 * The installation of the Sentry integration, typed by an admin before its first webhook arrives (the
 * external-issues API is addressed by it): a UUID, as Sentry sends it in `installation.uuid` and in the
 * redirect URL's `installationId` after installing. Spaces around it dropped, stored in lower case.
 */
export const sentryInstallationUuidSchema = z
  .string({ error: "Paste the installation's ID as text, e.g. a8e5d37a-696c-4c54-adb5-b3f28d64c7de." })
  .trim()
  .min(1, "Paste the installation's ID, e.g. a8e5d37a-696c-4c54-adb5-b3f28d64c7de.")
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'An installation ID is a UUID (8-4-4-4-12 hexadecimal digits), as in the installationId of the URL ' +
      'Sentry redirects to after installing the integration, e.g. a8e5d37a-696c-4c54-adb5-b3f28d64c7de.',
  )
  .transform((uuid) => uuid.toLowerCase());

/** The form's field names, each with the message to show beside it. */
export type FieldErrors = Partial<Record<string, string>>;

/** Turns a failed parse into one message per field (the first problem of each field). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    if (issue.code === 'unrecognized_keys') {
      errors.form ??= `The form sent fields the app does not take: ${issue.keys.join(', ')}.`;
      continue;
    }
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Words for a Sentry region on the page. */
export function sentryRegionName(region: SentryRegion): string {
  return region === 'de' ? 'EU (de.sentry.io)' : 'US (sentry.io)';
}

/** Where to paste a connection's webhook URL, and which secret goes with it. */
export interface ConnectionWebhookView {
  url: string;
  instructions: string;
}

/** What saving a connection answers: the connection as stored (never a secret), and for a new one its webhook. */
export interface ConnectionSaveResult {
  connection: Connection;
  webhook: ConnectionWebhookView | null;
}

/** What the connection test found (services/test-connection), as the Test button shows it. */
export interface ConnectionTestReport {
  system: 'Sentry' | 'SonarCloud';
  /** True when the token works and nothing the app needs is missing. */
  ok: boolean;
  tokenWorks: boolean;
  organization: { key: string; name: string } | null;
  projectCount: number | null;
  /** Scopes (Sentry) or permissions (SonarCloud) the app needs and the token lacks. */
  missingScopes: string[];
  /** Needed scopes the test could not check without changing data. */
  unverifiedScopes: string[];
  /** One sentence for the page. */
  summary: string;
  /** One line per check, in the order they ran. */
  details: string[];
}

/** What the Test button answers: the report, and the connection with its new lastTest. */
export interface ConnectionTestAnswer {
  report: ConnectionTestReport;
  connection: Connection;
}

/** What goes with a connection when it is removed, counted for the confirmation. */
export interface ConnectionRemovalPreview {
  connectionId: string;
  kind: Connection['kind'];
  label: string;
  /** Sentry or SonarCloud projects mapped to products, and the names of those products. */
  mappedProjects: number;
  products: string[];
  /** Sentry issues / SonarCloud project branches whose last known state is kept. */
  snapshots: number;
  /** Days of trend history of its projects. */
  historyPoints: number;
  /** Links between its Sentry issues and Jira issues; how many rules made; the Jira issues they are on. */
  links: number;
  linksMadeByRules: number;
  linkedJiraIssues: number;
  /** Records of which rule fired for which of its items (what keeps a rule from firing twice). */
  ruleFirings: number;
  /** Enabled rules whose products take their projects of this kind only from this connection. */
  rulesLeftWithoutSource: string[];
  /** True when a count stopped at the counting limit: there are at least that many. */
  atLeast: boolean;
}

/** What one removal call did; call again while `done` is false (the removal resumes where it stopped). */
export interface ConnectionRemovalProgress {
  connectionId: string;
  done: boolean;
  /** Storage records removed so far in this call. */
  removed: number;
  /** What is left to do, in words, when not done. */
  remaining: string | null;
}
