// The sandbox's simulated world: Sentry, SonarCloud and Jira from sandbox/simulators, plus the Jira
// projects and issues the sandbox offers as page context (read from the Jira simulator itself).
import { z } from 'zod';
import type { LocalForgeRuntime } from '../runtime';
import { createDemoWorld, type DemoWorld } from '../simulators';

export interface SandboxJiraProject {
  id: string;
  key: string;
  name: string;
}

export interface SandboxJiraIssue {
  id: string;
  key: string;
  projectId: string;
  projectKey: string;
  summary: string;
  issueType: string;
}

export interface SandboxWorld {
  simulators: DemoWorld;
  jira: {
    /** The person the pages act as: the demo site's Jira admin. */
    accountId: string;
    projects: SandboxJiraProject[];
    defaultProject: SandboxJiraProject;
    /** Read live, so issues the app creates (rules) show up too. */
    readonly issues: SandboxJiraIssue[];
    findProject(keyOrId: string | undefined): SandboxJiraProject | undefined;
    findIssue(keyOrId: string | undefined): SandboxJiraIssue | undefined;
    /**
     * A person moves an issue to another status, as in Jira's UI; Jira's avi:jira:updated:issue event
     * reaches the app's trigger through the runtime (manifest filters honoured). Resolves once handled.
     */
    moveIssue(keyOrId: string, statusName: string): Promise<void>;
  };
}

const projectSearchSchema = z.object({
  values: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() })),
});

/** Builds the simulators on the runtime's clock and points the runtime's Jira and egress at them. */
export async function createSandboxWorld(runtime: LocalForgeRuntime): Promise<SandboxWorld> {
  const simulators = createDemoWorld({ now: () => runtime.clock.now() });
  simulators.attach(runtime);
  const accountId = simulators.credentials.jiraUsers.admin;
  // Jira's issue events reach the app's triggers as Forge delivers them, one after another.
  let delivering: Promise<unknown> = Promise.resolve();
  simulators.jira.onIssueUpdated((event) => {
    delivering = delivering
      .then(() =>
        runtime.deliverProductEvent('avi:jira:updated:issue', event as unknown as Record<string, unknown>),
      )
      .catch(() => undefined); // the trigger logs its own failures in the sync log
  });

  const answer = await simulators.jiraHandler({
    provider: 'user',
    accountId,
    method: 'GET',
    path: '/rest/api/3/project/search?maxResults=100',
    headers: { accept: 'application/json' },
    body: undefined,
  });
  if (!answer.ok)
    throw new Error(`The Jira simulator refused project/search: ${answer.status} ${await answer.text()}`);
  const projects = projectSearchSchema
    .parse(await answer.json())
    .values.map(({ id, key, name }) => ({ id, key, name }));
  const defaultProject = projects.find((project) => project.key === 'SHOP') ?? projects[0];
  if (!defaultProject) throw new Error('The Jira simulator has no project to open pages in.');

  const listIssues = (): SandboxJiraIssue[] =>
    simulators.jira.issueKeys().map((key) => {
      const issue = simulators.jira.issue(key);
      const project = projects.find((candidate) => candidate.key === issue.projectKey);
      return {
        id: issue.id,
        key: issue.key,
        projectId: project?.id ?? '',
        projectKey: issue.projectKey,
        summary: issue.summary,
        issueType: issue.issueType,
      };
    });

  const jira: SandboxWorld['jira'] = {
    accountId,
    projects,
    defaultProject,
    get issues() {
      return listIssues();
    },
    findProject: (keyOrId) =>
      keyOrId === undefined
        ? undefined
        : projects.find((project) => project.key === keyOrId || project.id === keyOrId),
    findIssue: (keyOrId) =>
      keyOrId === undefined
        ? undefined
        : listIssues().find((issue) => issue.key === keyOrId || issue.id === keyOrId),
    async moveIssue(keyOrId, statusName) {
      simulators.jira.moveIssueAs(simulators.credentials.jiraUsers.developer, keyOrId, statusName);
      await delivering;
    },
  };
  return { simulators, jira };
}
