// The lists the admin picks projects from: Jira projects as the user sees them (asUser, so nobody is
// offered a project they cannot browse), and the Sentry and SonarCloud projects of a connection, read
// from the remote API one page at a time (organizations hold hundreds of projects).
import { NotFoundError } from '../../clients/http';
import { jiraAsUser, type JiraClient } from '../../clients/jira';
import type { SentryClient } from '../../clients/sentry';
import type { SonarCloudClient } from '../../clients/sonarcloud';
import type { SentryConnection, SonarCloudConnection } from '../../domain/model';
import type {
  JiraProjectLabel,
  JiraProjectOption,
  JiraProjectPageView,
  SentryProjectOption,
  SentryProjectPageView,
  SonarBranchOption,
  SonarProjectDetails,
  SonarProjectPageView,
} from '../../domain/product-views';
import { getConnection, StorageNotFoundError, StorageValidationError } from '../../storage';
import { ConnectionNotReadyError, sentryClientFor, sonarClientFor } from '../sync/sync-clients';

/** Jira answers at most 50 ids per project search. */
const JIRA_IDS_PER_SEARCH = 50;
/** Per call of getSonarProjectDetails: two requests each, well inside one invocation's egress budget. */
export const SONAR_DETAILS_MAX = 25;
/** Parallel requests to one remote system. */
const PARALLEL_REQUESTS = 5;

export interface RemoteListClients {
  jiraAsUser?: () => Pick<JiraClient, 'searchProjects'>;
}

// ---- connections ----

async function requireConnection<K extends 'sentry' | 'sonarcloud'>(
  connectionId: string,
  kind: K,
): Promise<K extends 'sentry' ? SentryConnection : SonarCloudConnection> {
  const connection = await getConnection(connectionId);
  if (!connection || connection.kind !== kind) {
    const system = kind === 'sentry' ? 'Sentry' : 'SonarCloud';
    throw new StorageNotFoundError(
      `There is no ${system} connection "${connectionId}": add it under Connections, or reload the page.`,
      'connectionId',
    );
  }
  return connection as K extends 'sentry' ? SentryConnection : SonarCloudConnection;
}

async function notReadyAsInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConnectionNotReadyError)
      throw new StorageValidationError(error.message, 'connectionId');
    throw error;
  }
}

export async function sentryClientOf(connectionId: string): Promise<SentryClient> {
  const connection = await requireConnection(connectionId, 'sentry');
  return notReadyAsInput(() => sentryClientFor(connection));
}

export async function sonarClientOf(connectionId: string): Promise<SonarCloudClient> {
  const connection = await requireConnection(connectionId, 'sonarcloud');
  return notReadyAsInput(() => sonarClientFor(connection));
}

/** Runs `work` over `items`, at most PARALLEL_REQUESTS at a time, answers in the items' order. */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, items.length) }, worker));
  return results;
}

// ---- Jira ----

export async function searchJiraProjects(
  request: { query?: string; startAt?: number },
  clients: RemoteListClients = {},
): Promise<JiraProjectPageView> {
  const jira = (clients.jiraAsUser ?? jiraAsUser)();
  const page = await jira.searchProjects({
    ...(request.query ? { query: request.query } : {}),
    startAt: request.startAt ?? 0,
    maxResults: 50,
  });
  return {
    items: page.items.map((project): JiraProjectOption => ({
      id: project.id,
      key: project.key,
      name: project.name,
    })),
    nextStartAt: page.nextStartAt,
    total: page.total,
  };
}

/** Names of Jira projects by id, as the user sees them; one the user cannot browse keeps only its id. */
export async function labelJiraProjects(
  ids: readonly string[],
  clients: RemoteListClients = {},
): Promise<JiraProjectLabel[]> {
  if (ids.length === 0) return [];
  const jira = (clients.jiraAsUser ?? jiraAsUser)();
  const found = new Map<string, JiraProjectOption>();
  for (let start = 0; start < ids.length; start += JIRA_IDS_PER_SEARCH) {
    const chunk = ids.slice(start, start + JIRA_IDS_PER_SEARCH);
    const page = await jira.searchProjects({ ids: chunk, maxResults: JIRA_IDS_PER_SEARCH });
    for (const project of page.items) found.set(project.id, project);
  }
  return ids.map((id) => {
    const project = found.get(id);
    return { id, key: project?.key ?? null, name: project?.name ?? null };
  });
}

// ---- Sentry ----

export async function listSentryProjects(request: {
  connectionId: string;
  cursor?: string | null;
  query?: string;
}): Promise<SentryProjectPageView> {
  const client = await sentryClientOf(request.connectionId);
  const page = await client.listProjectsPage(request.cursor ?? undefined, request.query || undefined);
  return {
    items: page.items.map((project): SentryProjectOption => ({
      connectionId: request.connectionId,
      id: project.id,
      slug: project.slug,
      name: project.name,
      platform: project.platform,
    })),
    nextCursor: page.nextCursor ?? null,
  };
}

/** The Sentry project as the connection's API reports it now; refused when it is not there. */
export async function requireSentryProject(
  connectionId: string,
  projectId: string,
  projectSlug: string,
): Promise<SentryProjectOption> {
  const client = await sentryClientOf(connectionId);
  let cursor: string | undefined;
  // The slug narrows the search to a page or two; the id decides.
  for (let pages = 0; pages < 10; pages++) {
    const page = await client.listProjectsPage(cursor, projectSlug);
    const project = page.items.find((candidate) => candidate.id === projectId);
    if (project) {
      return {
        connectionId,
        id: project.id,
        slug: project.slug,
        name: project.name,
        platform: project.platform,
      };
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  throw new StorageNotFoundError(
    `Sentry does not list a project "${projectSlug}" (id ${projectId}) in this organization any more: reload the list and pick another.`,
    'sentryProject',
  );
}

// ---- SonarCloud ----

export async function listSonarProjects(request: {
  connectionId: string;
  page?: number;
  pageSize?: number;
  query?: string;
}): Promise<SonarProjectPageView> {
  const client = await sonarClientOf(request.connectionId);
  const pageIndex = request.page ?? 1;
  // SonarCloud matches names containing the text, or a key equal to it.
  const query = request.query?.trim() || undefined;
  const page = await client.searchProjects({
    page: pageIndex,
    pageSize: request.pageSize ?? 100,
    ...(query ? { query } : {}),
  });
  return {
    items: page.items.map((project) => ({
      connectionId: request.connectionId,
      key: project.key,
      name: project.name,
    })),
    nextPage: page.hasMore ? pageIndex + 1 : null,
    total: page.paging.total,
  };
}

async function branchesOf(client: SonarCloudClient, projectKey: string): Promise<SonarBranchOption[]> {
  try {
    const branches = await client.listBranches(projectKey);
    return branches
      .map((branch) => ({ name: branch.name, isMain: branch.isMain }))
      .sort((a, b) => Number(b.isMain) - Number(a.isMain) || a.name.localeCompare(b.name));
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new StorageNotFoundError(
        `SonarCloud has no project "${projectKey}" this connection can see: reload the list and pick another.`,
        'sonarProject',
      );
    }
    throw error;
  }
}

/** The project's branches, main branch first. */
export async function listSonarBranches(request: {
  connectionId: string;
  projectKey: string;
}): Promise<SonarBranchOption[]> {
  return branchesOf(await sonarClientOf(request.connectionId), request.projectKey);
}

/** `java=1200;js=300` → ['java', 'js'], most lines first. */
export function languagesFromDistribution(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(';')
    .map((part) => {
      const [language = '', lines = '0'] = part.split('=');
      return { language: language.trim(), lines: Number(lines) || 0 };
    })
    .filter((entry) => entry.language !== '')
    .sort((a, b) => b.lines - a.lines)
    .map((entry) => entry.language);
}

/** Main branch and languages of each project (two requests per project). */
export async function getSonarProjectDetails(request: {
  connectionId: string;
  projectKeys: readonly string[];
}): Promise<SonarProjectDetails[]> {
  const client = await sonarClientOf(request.connectionId);
  return inParallel(request.projectKeys, async (projectKey): Promise<SonarProjectDetails> => {
    const branches = await branchesOf(client, projectKey);
    const mainBranch = branches.find((branch) => branch.isMain)?.name ?? null;
    if (mainBranch === null) return { projectKey, mainBranch, languages: [] };
    const measures = await client.getMeasures(projectKey, { metricKeys: ['ncloc_language_distribution'] });
    const distribution = measures.measures.find(
      (measure) => measure.metric === 'ncloc_language_distribution',
    );
    return { projectKey, mainBranch, languages: languagesFromDistribution(distribution?.value) };
  });
}

/** Refuses a SonarCloud project or branch the connection does not see now. */
export async function requireSonarBranch(
  connectionId: string,
  projectKey: string,
  branch: string,
): Promise<void> {
  const branches = await listSonarBranches({ connectionId, projectKey });
  if (!branches.some((candidate) => candidate.name === branch)) {
    const known = branches.map((candidate) => candidate.name).join(', ') || 'none';
    throw new StorageNotFoundError(
      `SonarCloud project "${projectKey}" has no branch "${branch}" (it has: ${known}); pick one of those.`,
      'sonarBranch',
    );
  }
}
