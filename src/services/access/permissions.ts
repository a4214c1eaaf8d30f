/**
 * Server-side permission checks before every change a page asks for. Resolvers call Jira with
 * asApp() for most work, which bypasses the user's permissions, so the caller is checked first
 * with Jira's "my permissions" as the user who opened the page.
 */
import { NotFoundError } from '../../clients/http';
import { jiraAsUser, type JiraClient, type JiraPermissionScope } from '../../clients/jira';

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
  let granted: Record<string, boolean>;
  try {
    granted = await client().getMyPermissions([permission], scope);
  } catch (error) {
    // Jira answers 404 for an issue or project the caller cannot browse: for them it does not exist.
    if (!(error instanceof NotFoundError)) throw error;
    throw new ForbiddenError(
      `You cannot browse this Jira ${'issueId' in scope ? 'issue' : 'project'}, so you cannot ${what}; ask a Jira admin for access.`,
    );
  }
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

/** The caller may browse the Jira project (BROWSE_PROJECTS there): who may read its project page. */
export async function requireProjectBrowse(
  accountId: string | null | undefined,
  projectId: string,
  client: PermissionClientFactory = defaultClient,
): Promise<void> {
  await requireJiraPermission(
    accountId,
    'BROWSE_PROJECTS',
    { projectId },
    `see Product Health of Jira project ${projectId}`,
    client,
  );
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

/**
 * The caller administers the Jira project (ADMINISTER_PROJECTS there) or is a Jira administrator
 * (ADMINISTER): who may see and change the project's Product Health settings. One "my permissions"
 * call asks for both; Jira answers 404 for a project the caller cannot browse, and then only a Jira
 * administrator passes.
 */
export async function requireProjectSettingsAccess(
  accountId: string | null | undefined,
  projectId: string,
  client: PermissionClientFactory = defaultClient,
): Promise<void> {
  const what = `see or change Product Health's settings of Jira project ${projectId}`;
  if (!accountId) {
    throw new ForbiddenError(`Only a signed-in Jira user can ${what}; sign in to Jira and try again.`);
  }
  let granted: Record<string, boolean>;
  try {
    granted = await client().getMyPermissions(['ADMINISTER_PROJECTS', 'ADMINISTER'], { projectId });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    granted = await client().getMyPermissions(['ADMINISTER']);
  }
  if (granted.ADMINISTER_PROJECTS === true || granted.ADMINISTER === true) return;
  throw new ForbiddenError(
    `You need the Jira permission ADMINISTER_PROJECTS in this project (or to be a Jira admin) to ${what}; ` +
      'ask a Jira admin to grant it.',
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

/** The caller may see the Jira issue (BROWSE_PROJECTS on that issue): who may read what the app shows on it. */
export async function requireIssueBrowse(
  accountId: string | null | undefined,
  issueId: string,
  client: PermissionClientFactory = defaultClient,
): Promise<void> {
  await requireJiraPermission(
    accountId,
    'BROWSE_PROJECTS',
    { issueId },
    `see Product Health of Jira issue ${issueId}`,
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

/** What the caller may do on a project's page: create issues there, and admin actions (backfill). */
export interface ProjectPageAccess {
  /** CREATE_ISSUES in the project. */
  createIssues: boolean;
  /** ADMINISTER_PROJECTS in the project, or a Jira administrator (as requireProjectSettingsAccess). */
  administer: boolean;
}

/**
 * The caller's rights on a project's page, in one "my permissions" call, so the page offers only what
 * will be allowed. Only for showing: every action checks again with the require* functions above.
 */
export async function getProjectPageAccess(
  accountId: string | null | undefined,
  projectId: string,
  client: PermissionClientFactory = defaultClient,
): Promise<ProjectPageAccess> {
  if (!accountId) return { createIssues: false, administer: false };
  let granted: Record<string, boolean>;
  try {
    granted = await client().getMyPermissions(['CREATE_ISSUES', 'ADMINISTER_PROJECTS', 'ADMINISTER'], {
      projectId,
    });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    granted = await client().getMyPermissions(['ADMINISTER']);
  }
  return {
    createIssues: granted.CREATE_ISSUES === true,
    administer: granted.ADMINISTER_PROJECTS === true || granted.ADMINISTER === true,
  };
}
