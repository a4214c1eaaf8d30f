/**
 * Finds the Sentry issue a person pasted (URL, short id or numeric id) through the right Sentry
 * connection, within what linking may search (see domain/link-search.ts):
 * - by default only the Sentry projects mapped to the Jira project's products: an issue of any other
 *   project is "not found", told in the same words as one that does not exist, so linking reveals no
 *   other product's Sentry titles;
 * - with the admin setting 'organization', every project of the connected organizations: the
 *   organization named in a URL; otherwise the connections mapped to the Jira project's products first,
 *   then every other Sentry connection.
 */
import { NotFoundError, RemoteError } from '../../clients/http';
import type { SentryClient, SentryIssueWindowCounts } from '../../clients/sentry';
import type { LinkSearchScope } from '../../domain/link-search';
import type { SentryConnection } from '../../domain/model';
import type { SentryApiIssue } from '../../domain/sentry-api-issue';
import { parseSentryReference, type SentryIssueReference } from '../../domain/sentry-reference';
import {
  findProductIdsForJiraProject,
  getConnection,
  getLinkSearchSettings,
  getProductMapping,
  listConnections,
} from '../../storage';
import { sentryClientFor } from '../sync/sync-clients';

/** What the person typed cannot be used: the message says what to enter instead. */
export class InvalidSentryReferenceError extends Error {
  override readonly name = 'InvalidSentryReferenceError';
}

/** No connected Sentry organization knows the issue, or none is connected that could. */
export class SentryIssueNotFoundError extends Error {
  override readonly name = 'SentryIssueNotFoundError';
}

/** A Sentry client for a stored connection (by id or record), with its token from the KVS secret. */
export async function sentryClientForConnection(
  connection: string | SentryConnection,
): Promise<SentryClient> {
  const record = typeof connection === 'string' ? await getConnection(connection) : connection;
  if (!record || record.kind !== 'sentry') {
    throw new SentryIssueNotFoundError(
      `There is no Sentry connection "${typeof connection === 'string' ? connection : connection.id}": ` +
        'a Jira admin adds Sentry organizations in Product Health settings.',
    );
  }
  return sentryClientFor(record);
}

/** The reference as parsed, or an error that lists the accepted forms. */
export function parseReferenceOrThrow(input: string): SentryIssueReference {
  const parsed = parseSentryReference(input);
  if (!parsed.ok) throw new InvalidSentryReferenceError(parsed.error);
  return parsed.reference;
}

function describeReference(reference: SentryIssueReference): string {
  return reference.kind === 'shortId' ? reference.shortId : reference.issueId;
}

function organizationsInWords(connections: readonly SentryConnection[]): string {
  const slugs = connections.map((connection) => connection.organizationSlug);
  return slugs.length === 1 ? `organization ${slugs[0]}` : `organizations ${slugs.join(', ')}`;
}

/** The Sentry projects mapped to the Jira project's products, as `connectionId` -> project ids. */
export async function mappedSentryProjects(jiraProjectId: string | null): Promise<Map<string, Set<string>>> {
  const mapped = new Map<string, Set<string>>();
  if (jiraProjectId === null) return mapped;
  for (const productId of await findProductIdsForJiraProject(jiraProjectId)) {
    const mapping = await getProductMapping(productId);
    for (const project of mapping?.sentryProjects ?? []) {
      const projects = mapped.get(project.connectionId) ?? new Set<string>();
      projects.add(project.projectId);
      mapped.set(project.connectionId, projects);
    }
  }
  return mapped;
}

/** Where linking looks: the connections to ask, in order, and (narrow scope) the projects it may answer from. */
export interface LinkSearch {
  scope: LinkSearchScope;
  connections: SentryConnection[];
  /** With the narrow scope: per connection, the Sentry project ids an issue must belong to. */
  allowedProjects: Map<string, Set<string>> | null;
}

const NOTHING_MAPPED =
  "No Sentry project is mapped to this Jira project's products, so linking has nowhere to look: " +
  "a Jira admin maps Sentry projects to the products in Product health's settings.";

/**
 * The Sentry connections to ask, in order: those of the organization a URL names; else those mapped
 * to the Jira project's products, then (organization scope only) the rest.
 */
export async function candidateConnections(
  reference: SentryIssueReference,
  jiraProjectId: string | null,
  scope: LinkSearchScope = 'organization',
): Promise<LinkSearch> {
  const all = (await listConnections()).filter(
    (connection): connection is SentryConnection => connection.kind === 'sentry',
  );
  if (all.length === 0) {
    throw new SentryIssueNotFoundError(
      'No Sentry organization is connected yet: a Jira admin adds one in Product Health settings.',
    );
  }
  const mapped = await mappedSentryProjects(jiraProjectId);
  const named = (connection: SentryConnection): boolean =>
    reference.orgSlug === undefined ||
    (connection.organizationSlug.toLowerCase() === reference.orgSlug &&
      (reference.region === undefined || connection.region === reference.region));

  if (scope === 'mapped-projects') {
    const connections = all.filter((connection) => mapped.has(connection.id));
    if (connections.length === 0) throw new SentryIssueNotFoundError(NOTHING_MAPPED);
    // A URL of another organization is not found like any other issue outside the mapped projects.
    return { scope, connections: connections.filter(named), allowedProjects: mapped };
  }
  if (reference.orgSlug !== undefined) {
    const matching = all.filter(named);
    if (matching.length === 0) {
      throw new SentryIssueNotFoundError(
        `The link points to the Sentry organization "${reference.orgSlug}", which is not connected ` +
          `(connected: ${all.map((connection) => connection.organizationSlug).join(', ')}). ` +
          'A Jira admin adds it in Product Health settings.',
      );
    }
    return { scope, connections: matching, allowedProjects: null };
  }
  return {
    scope,
    connections: [
      ...all.filter((connection) => mapped.has(connection.id)),
      ...all.filter((connection) => !mapped.has(connection.id)),
    ],
    allowedProjects: null,
  };
}

export interface FoundSentryIssue {
  connection: SentryConnection;
  /** The issue as Sentry's issue-details endpoint returns it (all-time counts, releases, stats). */
  issue: SentryApiIssue;
  /**
   * Events and users in the last 24 h / 14 d from the issues list (the details endpoint counts users
   * for all time only); null when they could not be fetched, as `windowCountsProblem` says.
   */
  windowCounts: SentryIssueWindowCounts | null;
  windowCountsProblem: string | null;
}

function errorMessage(error: unknown): string {
  return error instanceof RemoteError || error instanceof Error ? error.message : String(error);
}

/**
 * Asks each candidate connection for the issue until one knows it. A connection that fails for another
 * reason (bad token, Sentry down) is skipped, and its error is reported if no connection finds the issue.
 */
export async function findSentryIssue(
  reference: SentryIssueReference,
  jiraProjectId: string | null,
  clientFor: (connection: SentryConnection) => Promise<SentryClient> = sentryClientForConnection,
): Promise<FoundSentryIssue> {
  const { scope } = await getLinkSearchSettings();
  const search = await candidateConnections(reference, jiraProjectId, scope);
  const failures: string[] = [];
  for (const connection of search.connections) {
    try {
      const client = await clientFor(connection);
      // A short id resolves to an id first; the details endpoint then gives all-time counts and releases.
      const issueId =
        reference.kind === 'shortId'
          ? (await client.findByShortId(reference.shortId)).groupId
          : reference.issueId;
      const issue = await client.getIssue(issueId);
      // Outside the mapped projects the issue is not found: nothing of it leaves this function.
      if (search.allowedProjects && !search.allowedProjects.get(connection.id)?.has(issue.project.id))
        continue;
      try {
        const windowCounts = await client.getIssueWindowCounts(issue.id, issue.project.id);
        return { connection, issue, windowCounts, windowCountsProblem: null };
      } catch (error) {
        // The issue is found: link it with what the details tell, and say the window counts are estimates.
        return { connection, issue, windowCounts: null, windowCountsProblem: errorMessage(error) };
      }
    } catch (error) {
      if (error instanceof NotFoundError) continue;
      failures.push(`${connection.organizationSlug}: ${errorMessage(error)}`);
    }
  }
  const where =
    search.scope === 'mapped-projects'
      ? "in the Sentry projects mapped to this Jira project's products"
      : `in ${organizationsInWords(search.connections)}`;
  const notFound = `No Sentry issue ${describeReference(reference)} ${where}`;
  if (failures.length > 0) {
    throw new Error(
      `${notFound} could be found; some organizations could not be asked: ${failures.join(' ')}`,
    );
  }
  throw new SentryIssueNotFoundError(`${notFound}. Check the id, or paste the issue's URL from Sentry.`);
}
