/**
 * Server-side permission checks before every change a page asks for. Resolvers call Jira with
 * asApp() for most work, which bypasses the user's permissions, so the caller is checked first
 * with Jira's "my permissions" as the user who opened the page.
 */
import { jiraAsUser, type JiraClient, type JiraPermissionScope } from '../clients/jira';

/** The caller may not do this; the message says which Jira permission is missing. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Builds the Jira client that checks permissions; tests may pass their own. */
export type PermissionClientFactory = () => Pick<JiraClient, 'getMyPermissions'>;

const defaultClient: PermissionClientFactory = () => jiraAsUser();

async function requireJiraPermission(
  accountId: string | null | undefined,
  permission: string,
  scope: JiraPermissionScope,
  what: string,
  client: PermissionClientFactory,
): Promise<void> {
  if (!accountId) {
    throw new ForbiddenError(`Only a signed-in Jira user can ${what}; sign in to Jira and try again.`);
  }
  const granted = await client().getMyPermissions([permission], scope);
  if (granted[permission] !== true) {
    throw new ForbiddenError(
      `You need the Jira permission ${permission} to ${what}; ask a Jira admin to grant it.`,
    );
  }
}

/** The caller is a Jira administrator (global permission ADMINISTER). */
export async function requireGlobalAdmin(
  accountId: string | null | undefined,
  client: PermissionClientFactory = defaultClient,
): Promise<void> {
  await requireJiraPermission(accountId, 'ADMINISTER', {}, "change Product Health's global settings", client);
}

/** The caller administers the Jira project (ADMINISTER_PROJECTS in that project). */
export async function requireProjectAdmin(
  accountId: string | null | undefined,
  projectId: string,
  client: PermissionClientFactory = defaultClient,
): Promise<void> {
  await requireJiraPermission(
    accountId,
    'ADMINISTER_PROJECTS',
    { projectId },
    `change Product Health's settings of Jira project ${projectId}`,
    client,
  );
}

/** The caller may create issues in the Jira project (CREATE_ISSUES in that project). */
export async function requireIssueCreate(
  accountId: string | null | undefined,
  projectId: string,
  client: PermissionClientFactory = defaultClient,
): Promise<void> {
  await requireJiraPermission(
    accountId,
    'CREATE_ISSUES',
    { projectId },
    `create issues in Jira project ${projectId}`,
    client,
  );
}

/** The caller may edit the Jira issue (EDIT_ISSUES on that issue). */
export async function requireIssueEdit(
  accountId: string | null | undefined,
  issueId: string,
  client: PermissionClientFactory = defaultClient,
): Promise<void> {
  await requireJiraPermission(accountId, 'EDIT_ISSUES', { issueId }, `change Jira issue ${issueId}`, client);
}
