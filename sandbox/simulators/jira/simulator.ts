// A stateful Jira Cloud site answering the REST v3 operations the app uses, behind the Forge
// runtime's Jira seam: `(req: JiraRequest) => Promise<Response>`. Shapes follow
// reference/jira/openapi.trimmed.json; workflows have several done statuses on purpose.

import type { AdfDoc as AppAdfDoc } from '../../../src/domain/adf';
import type { JiraHandler, JiraRequest } from '../../runtime/types';
import { hashString, mix } from '../shared/random';
import { jsonResponse, type SimRequest } from '../shared/sim-request';
import { HttpError, SimulatedService } from '../shared/simulated-service';
import {
  adfParagraph,
  APP_ACCOUNT_ID,
  DEMO_ISSUES,
  ISSUE_TYPES,
  PROJECTS,
  STATUSES,
  USERS,
  WORKFLOWS,
} from './demo';
import { compileJql, JqlError, type JqlContext, type JqlField, parseJql, parseJqlDate } from './jql';
import {
  DEFAULT_MANIFEST_PATH,
  type EntityPropertyAlias,
  readEntityPropertyAliases,
} from './manifest-aliases';
import {
  type AdfDoc,
  adfProblem,
  type ChangeItem,
  type Issue,
  type IssueType,
  PERMISSIONS,
  PRIORITIES,
  type Project,
  RESOLUTIONS,
  ROLE_PERMISSIONS,
  type Status,
  STATUS_CATEGORIES,
  type StatusCategory,
  type Transition,
  type User,
  type Workflow,
} from './model';

export type { JiraHandler, JiraRequest };

/** Who made a change: the app through the REST API (provider app / user), or a person in Jira's UI. */
export interface ChangeOrigin {
  via: 'api' | 'jira-ui';
  provider: 'app' | 'user' | 'none' | null;
  accountId: string;
}

/** The payload Forge delivers for avi:jira:deleted:issue (developer.atlassian.com/platform/forge/events-reference/jira). */
export interface JiraIssueDeletedEvent {
  eventType: 'avi:jira:deleted:issue';
  atlassianId: string;
  issue: { id: string; key: string; fields: { project: { id: string; key: string } } };
}

/** The payload Forge delivers for avi:jira:updated:issue / avi:jira:created:issue (see reference notes). */
export interface JiraIssueEvent {
  eventType: 'avi:jira:updated:issue' | 'avi:jira:created:issue';
  /** True when the app's own API call caused the change (what a trigger's `ignoreSelf` filters out). */
  selfGenerated: boolean;
  atlassianId: string;
  issue: {
    id: string;
    key: string;
    fields: {
      summary: string;
      issuetype: Record<string, unknown>;
      project: Record<string, unknown>;
      status: Record<string, unknown>;
      creator: { accountId: string };
      reporter: { accountId: string };
      assignee: { accountId: string } | null;
      created: string;
      updated: string;
    };
  };
  changelog?: { id: string; items: ChangeItem[] };
  associatedStatuses?: Array<{ id: string; name: string }>;
  jiraEventTypeName?: string;
}

export type JiraIssueListener = (event: JiraIssueEvent, origin: ChangeOrigin) => void;

/** The payload Forge delivers for avi:jira:commented:issue (a comment created or edited). */
export interface JiraCommentEvent {
  eventType: 'avi:jira:commented:issue';
  /** True when the app's own API call wrote the comment (what `ignoreSelf` filters out). */
  selfGenerated: boolean;
  atlassianId: string;
  issue: JiraIssueEvent['issue'];
  comment: Record<string, unknown>;
}

export type JiraCommentListener = (event: JiraCommentEvent, origin: ChangeOrigin) => void;

export interface JiraSimulatorOptions {
  now?: () => number;
  siteUrl?: string;
  /** manifest.yml whose jira:entityProperty aliases JQL understands (default: the repo's). */
  manifestPath?: string;
  demo?: boolean;
}

export interface JiraIssueView {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  status: string;
  statusCategory: StatusCategory['key'];
  resolution: string | null;
  issueType: string;
  labels: string[];
  /** Documents as the client sent them (checked for the minimal ADF shape); the app writes src/domain/adf documents. */
  description: AppAdfDoc | null;
  properties: Record<string, unknown>;
  comments: Array<{ id: string; authorAccountId: string; body: AppAdfDoc }>;
  updated: string;
}

const jiraError = (status: number, messages: string[], errors: Record<string, string> = {}): HttpError =>
  new HttpError(status, { errorMessages: messages, errors });

const MAX_PROPERTY_LENGTH = 32_768;
const ISSUE_NOT_FOUND = (): HttpError =>
  jiraError(404, ['Issue does not exist or you do not have permission to see it.']);

/** Jira's timestamp format: 2024-05-01T10:15:00.000+0000. */
const jiraDate = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

interface Caller {
  provider: 'app' | 'user' | 'none';
  user: User | null;
  accountId: string | null;
}

export class JiraSimulator extends SimulatedService {
  readonly siteUrl: string;
  /** Every issue event emitted so far (also delivered to listeners). */
  readonly events: Array<{ event: JiraIssueEvent; origin: ChangeOrigin }> = [];
  private readonly aliases: EntityPropertyAlias[];
  private readonly statuses = new Map<string, Status>(STATUSES.map((s) => [s.id, s]));
  private readonly workflows = new Map<string, Workflow>(WORKFLOWS.map((w) => [w.name, w]));
  private readonly issueTypes = new Map<string, IssueType>(ISSUE_TYPES.map((t) => [t.id, t]));
  private readonly projects = new Map<string, Project>();
  private readonly users = new Map<string, User>();
  private readonly issues = new Map<string, Issue>();
  private readonly issueIdsByKey = new Map<string, string>();
  private readonly updatedListeners = new Set<JiraIssueListener>();
  private readonly createdListeners = new Set<JiraIssueListener>();
  private readonly commentListeners = new Set<JiraCommentListener>();
  private readonly deletedListeners = new Set<(event: JiraIssueDeletedEvent) => void>();
  private nextIssueId = 10_001;
  private nextCommentId = 10_100;
  private nextChangelogId = 20_000;

  constructor(options: JiraSimulatorOptions = {}) {
    super(options.now ?? Date.now, (message) => ({ errorMessages: [message], errors: {} }));
    this.siteUrl = (options.siteUrl ?? 'https://acme.atlassian.net').replace(/\/$/, '');
    this.aliases = readEntityPropertyAliases(options.manifestPath ?? DEFAULT_MANIFEST_PATH);
    if (options.demo !== false) this.seedDemo();
  }

  readonly handle: JiraHandler = async (request) => {
    const url = new URL(request.path, this.siteUrl);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const req: SimRequest = {
      method: request.method.toUpperCase(),
      host: 'jira',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: request.body === '' ? undefined : request.body,
      provider: request.provider,
      accountId: request.accountId,
    };
    return this.serve(req);
  };

  /** Listens for avi:jira:updated:issue; returns a function that stops listening. */
  onIssueUpdated(listener: JiraIssueListener): () => void {
    this.updatedListeners.add(listener);
    return () => this.updatedListeners.delete(listener);
  }

  onIssueCreated(listener: JiraIssueListener): () => void {
    this.createdListeners.add(listener);
    return () => this.createdListeners.delete(listener);
  }

  /** Listens for avi:jira:commented:issue (people's comments and the app's); returns a function that stops. */
  onIssueCommented(listener: JiraCommentListener): () => void {
    this.commentListeners.add(listener);
    return () => this.commentListeners.delete(listener);
  }

  /** A person comments in Jira's UI (emits avi:jira:commented:issue); returns the comment id. */
  commentAs(accountId: string, keyOrId: string, body: string | AdfDoc): string {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw new Error(`Jira simulator: no issue ${keyOrId}`);
    const doc = typeof body === 'string' ? (adfParagraph(body) as AdfDoc) : body;
    const comment = this.pushComment(issue, { provider: 'none', user: null, accountId }, doc);
    this.emitComment(issue, comment, { via: 'jira-ui', provider: null, accountId });
    return comment.id;
  }

  /** A person edits their comment in Jira's UI: Forge sends avi:jira:commented:issue again. */
  editCommentAs(accountId: string, keyOrId: string, commentId: string, body: string): void {
    const issue = this.findIssue(keyOrId);
    const comment = issue?.comments.find((candidate) => candidate.id === commentId);
    if (!issue || !comment) throw new Error(`Jira simulator: no comment ${commentId} on ${keyOrId}`);
    comment.body = adfParagraph(body) as AdfDoc;
    this.emitComment(issue, comment, { via: 'jira-ui', provider: null, accountId });
  }

  /** The JQL aliases read from the manifest. */
  get entityPropertyAliases(): readonly EntityPropertyAlias[] {
    return this.aliases;
  }

  // ---- test API: what people do in Jira's UI --------------------------------------------------

  issue(keyOrId: string): JiraIssueView {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw new Error(`Jira simulator: no issue ${keyOrId}`);
    const status = this.status(issue.statusId);
    return {
      id: issue.id,
      key: issue.key,
      projectKey: this.projectOf(issue).key,
      summary: issue.summary,
      status: status.name,
      statusCategory: status.categoryKey,
      resolution: issue.resolutionId
        ? (RESOLUTIONS.find((r) => r.id === issue.resolutionId)?.name ?? null)
        : null,
      issueType: this.issueTypes.get(issue.issueTypeId)?.name ?? '',
      labels: [...issue.labels],
      description: issue.description as AppAdfDoc | null,
      properties: Object.fromEntries([...issue.properties].map(([k, v]) => [k, JSON.parse(v) as unknown])),
      comments: issue.comments.map((c) => ({
        id: c.id,
        authorAccountId: c.authorAccountId,
        body: c.body as AppAdfDoc,
      })),
      updated: new Date(issue.updated).toISOString(),
    };
  }

  issueKeys(projectKey?: string): string[] {
    return [...this.issues.values()]
      .filter((i) => !projectKey || this.projectOf(i).key === projectKey)
      .map((i) => i.key);
  }

  /** Listens for avi:jira:deleted:issue; returns a function that stops listening. */
  onIssueDeleted(listener: (event: JiraIssueDeletedEvent) => void): () => void {
    this.deletedListeners.add(listener);
    return () => this.deletedListeners.delete(listener);
  }

  /** A person deletes an issue in Jira: it answers 404 from then on, and avi:jira:deleted:issue goes out. */
  deleteIssueAs(accountId: string, keyOrId: string): JiraIssueDeletedEvent {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw new Error(`Jira simulator: no issue ${keyOrId}`);
    const project = this.projectOf(issue);
    this.issues.delete(issue.id);
    for (const [key, id] of [...this.issueIdsByKey]) if (id === issue.id) this.issueIdsByKey.delete(key);
    const event: JiraIssueDeletedEvent = {
      eventType: 'avi:jira:deleted:issue',
      atlassianId: accountId,
      issue: { id: issue.id, key: issue.key, fields: { project: { id: project.id, key: project.key } } },
    };
    for (const listener of this.deletedListeners) listener(structuredClone(event));
    return event;
  }

  /**
   * A person moves an issue to another project (Jira's Move): a new key in that project, the same id; the
   * old key still finds the issue, as Jira redirects it. Answers the new key.
   */
  moveIssueToProject(keyOrId: string, projectKey: string): string {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw new Error(`Jira simulator: no issue ${keyOrId}`);
    const project = [...this.projects.values()].find((candidate) => candidate.key === projectKey);
    if (!project) throw new Error(`Jira simulator: no project ${projectKey}`);
    const key = `${project.key}-${project.nextIssueNumber}`;
    project.nextIssueNumber += 1;
    issue.key = key;
    issue.projectId = project.id;
    issue.updated = this.now();
    this.issueIdsByKey.set(key, issue.id);
    return key;
  }

  /** A person moves an issue to a status in Jira's UI (any status of the workflow; no transition rules). */
  moveIssueAs(accountId: string, keyOrId: string, statusName: string): void {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw new Error(`Jira simulator: no issue ${keyOrId}`);
    const workflow = this.workflowOf(this.projectOf(issue));
    const target = workflow.statuses.map((id) => this.status(id)).find((s) => s.name === statusName);
    if (!target) throw new Error(`Jira simulator: status "${statusName}" is not in ${workflow.name}`);
    this.applyStatus(issue, target, { via: 'jira-ui', provider: null, accountId });
  }

  /** Creates an issue as a person would in Jira's UI (emits avi:jira:created:issue). */
  createIssueAs(
    accountId: string,
    input: { project: string; type?: 'Bug' | 'Task'; summary: string; status?: string; labels?: string[] },
  ): string {
    const project = this.findProject(input.project);
    if (!project) throw new Error(`Jira simulator: no project ${input.project}`);
    const type = ISSUE_TYPES.find((t) => t.name === (input.type ?? 'Task'));
    const issue = this.insertIssue(project, {
      issueTypeId: type?.id ?? '10001',
      summary: input.summary,
      description: null,
      priorityId: '3',
      labels: input.labels ?? [],
      reporter: accountId,
      assignee: null,
      created: this.now(),
    });
    if (input.status) {
      const target = this.workflowOf(project)
        .statuses.map((id) => this.status(id))
        .find((s) => s.name === input.status);
      if (!target)
        throw new Error(`Jira simulator: status "${input.status}" is not in the workflow of ${project.key}`);
      this.setStatusSilently(issue, target);
    }
    this.emit('avi:jira:created:issue', issue, { via: 'jira-ui', provider: null, accountId });
    return issue.key;
  }

  /**
   * An admin adds a transition to the workflow of a project, or replaces the one with the same id.
   * `from` and `to` are status ids of that workflow; `from` defaults to 'any' (a global transition).
   * As in Jira, every project that shares the workflow sees the change; other simulators do not.
   */
  addTransition(
    projectKey: string,
    transition: { id: string; name: string; to: string; from?: string[] | 'any' },
  ): void {
    const project = this.findProject(projectKey);
    if (!project) throw new Error(`Jira simulator: no project ${projectKey}`);
    const workflow = this.workflowOf(project);
    const from = transition.from ?? 'any';
    if (transition.id.trim() === '' || transition.name.trim() === '')
      throw new Error('Jira simulator: a transition needs a non-empty id and name');
    const outside = [transition.to, ...(from === 'any' ? [] : from)].filter(
      (id) => !workflow.statuses.includes(id),
    );
    if (outside.length > 0) {
      throw new Error(
        `Jira simulator: status ${outside.join(', ')} is not in ${workflow.name} (its statuses: ${workflow.statuses.join(', ')})`,
      );
    }
    const added: Transition = { id: transition.id, name: transition.name, from, to: transition.to };
    // A new Workflow object: the demo's WORKFLOWS are shared by every simulator instance.
    this.workflows.set(workflow.name, {
      ...workflow,
      transitions: [...workflow.transitions.filter((t) => t.id !== transition.id), added],
    });
  }

  /** Sets an issue property directly (no request log, no event: Jira emits none for properties). */
  setIssueProperty(keyOrId: string, propertyKey: string, value: unknown): void {
    const issue = this.findIssue(keyOrId);
    if (!issue) throw new Error(`Jira simulator: no issue ${keyOrId}`);
    issue.properties.set(propertyKey, JSON.stringify(value));
  }

  /**
   * Adds `count` generated issues to a project (benchmarks); `withSentryProperty` of them (0..1)
   * carry the app's property with deterministic numbers. Returns the new keys.
   */
  seedIssues(
    projectKey: string,
    count: number,
    options: { withSentryProperty?: number; seed?: number } = {},
  ): string[] {
    const project = this.findProject(projectKey);
    if (!project) throw new Error(`Jira simulator: no project ${projectKey}`);
    const propertyKey = this.aliases[0]?.propertyKey ?? 'productHealthSentry';
    const keys: string[] = [];
    const now = this.now();
    for (let i = 0; i < count; i += 1) {
      const h = mix(options.seed ?? 1, hashString(projectKey), i);
      const issue = this.insertIssue(project, {
        issueTypeId: h % 3 === 0 ? '10001' : '10004',
        summary: `Generated issue ${i + 1} for load tests`,
        description: null,
        priorityId: String(1 + (h % 5)),
        labels: [],
        reporter: project.leadAccountId,
        assignee: null,
        created: now - (h % 90) * 86_400_000,
      });
      if ((h % 1000) / 1000 < (options.withSentryProperty ?? 0)) {
        issue.properties.set(
          propertyKey,
          JSON.stringify({
            linkedCount: 1 + (h % 3),
            worstLevel: ['fatal', 'error', 'warning', 'info'][h % 4],
            status: ['unresolved', 'resolved', 'ignored'][h % 3],
            events14d: h % 5000,
            users14d: h % 700,
            lastSeen: new Date(now - (h % 20_000) * 60_000).toISOString(),
          }),
        );
      }
      keys.push(issue.key);
    }
    return keys;
  }

  // ---- state helpers ------------------------------------------------------------------------

  private seedDemo(): void {
    for (const user of USERS) this.users.set(user.accountId, user);
    for (const p of PROJECTS) this.projects.set(p.id, { ...p, nextIssueNumber: 1 });
    const now = this.now();
    const propertyKey =
      this.aliases.find((a) => a.alias === 'sentryEvents')?.propertyKey ?? 'productHealthSentry';
    for (const demo of DEMO_ISSUES) {
      const project = this.findProject(demo.project);
      if (!project) throw new Error(`Jira demo: unknown project ${demo.project}`);
      const created = now - demo.createdDaysAgo * 86_400_000 - 3_600_000;
      const issue = this.insertIssue(project, {
        issueTypeId: ISSUE_TYPES.find((t) => t.name === demo.type)?.id ?? '10001',
        summary: demo.summary,
        description: demo.description ? adfParagraph(demo.description) : null,
        priorityId: PRIORITIES.find((p) => p.name === demo.priority)?.id ?? '3',
        labels: demo.labels ?? [],
        reporter: demo.reporter,
        assignee: demo.assignee ?? null,
        created,
      });
      const status = STATUSES.find((s) => s.name === demo.status);
      if (!status) throw new Error(`Jira demo: unknown status ${demo.status}`);
      this.setStatusSilently(issue, status);
      issue.updated = Math.max(created, now - demo.createdDaysAgo * 43_200_000);
      if (demo.sentry) {
        const { lastSeenMinutesAgo, ...rest } = demo.sentry;
        issue.properties.set(
          propertyKey,
          JSON.stringify({ ...rest, lastSeen: new Date(now - lastSeenMinutesAgo * 60_000).toISOString() }),
        );
      }
    }
  }

  private insertIssue(
    project: Project,
    input: {
      issueTypeId: string;
      summary: string;
      description: AdfDoc | null;
      priorityId: string;
      labels: string[];
      reporter: string;
      assignee: string | null;
      created: number;
    },
  ): Issue {
    const id = String(this.nextIssueId);
    this.nextIssueId += 1;
    const key = `${project.key}-${project.nextIssueNumber}`;
    project.nextIssueNumber += 1;
    const workflow = this.workflowOf(project);
    const issue: Issue = {
      id,
      key,
      projectId: project.id,
      issueTypeId: input.issueTypeId,
      summary: input.summary,
      description: input.description,
      statusId: workflow.initial,
      priorityId: input.priorityId,
      labels: input.labels,
      reporterAccountId: input.reporter,
      creatorAccountId: input.reporter,
      assigneeAccountId: input.assignee,
      resolutionId: null,
      resolutionDate: null,
      created: input.created,
      updated: input.created,
      statusCategoryChanged: input.created,
      properties: new Map(),
      comments: [],
      changelog: [],
    };
    this.issues.set(id, issue);
    this.issueIdsByKey.set(key, id);
    return issue;
  }

  private setStatusSilently(issue: Issue, status: Status): void {
    issue.statusId = status.id;
    const resolution = status.resolution ? RESOLUTIONS.find((r) => r.name === status.resolution) : undefined;
    issue.resolutionId = resolution?.id ?? null;
    issue.resolutionDate = resolution ? issue.updated : null;
  }

  /** Moves an issue to a status, records the changelog and emits avi:jira:updated:issue. */
  private applyStatus(issue: Issue, target: Status, origin: ChangeOrigin): void {
    const from = this.status(issue.statusId);
    const now = this.now();
    const items: ChangeItem[] = [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: from.id,
        fromString: from.name,
        to: target.id,
        toString: target.name,
      },
    ];
    const oldResolution = issue.resolutionId
      ? RESOLUTIONS.find((r) => r.id === issue.resolutionId)
      : undefined;
    const newResolution = target.resolution
      ? RESOLUTIONS.find((r) => r.name === target.resolution)
      : undefined;
    if ((oldResolution?.id ?? null) !== (newResolution?.id ?? null)) {
      items.unshift({
        field: 'resolution',
        fieldtype: 'jira',
        fieldId: 'resolution',
        from: oldResolution?.id ?? null,
        fromString: oldResolution?.name ?? null,
        to: newResolution?.id ?? null,
        toString: newResolution?.name ?? null,
      });
    }
    issue.statusId = target.id;
    issue.resolutionId = newResolution?.id ?? null;
    issue.resolutionDate = newResolution ? now : null;
    if (from.categoryKey !== target.categoryKey) issue.statusCategoryChanged = now;
    issue.updated = now;
    const entry = {
      id: String(this.nextChangelogId),
      authorAccountId: origin.accountId,
      created: now,
      items,
    };
    this.nextChangelogId += 1;
    issue.changelog.push(entry);
    this.emit('avi:jira:updated:issue', issue, origin, {
      changelog: { id: entry.id, items },
      associatedStatuses: [
        { id: from.id, name: from.name },
        { id: target.id, name: target.name },
      ],
      jiraEventTypeName: 'issue_generic',
    });
  }

  private emit(
    eventType: JiraIssueEvent['eventType'],
    issue: Issue,
    origin: ChangeOrigin,
    extra: Pick<JiraIssueEvent, 'changelog' | 'associatedStatuses' | 'jiraEventTypeName'> = {},
  ): void {
    const project = this.projectOf(issue);
    const event: JiraIssueEvent = {
      eventType,
      selfGenerated: origin.via === 'api',
      atlassianId: origin.accountId,
      issue: {
        id: issue.id,
        key: issue.key,
        fields: {
          summary: issue.summary,
          issuetype: this.issueTypeJson(this.issueTypes.get(issue.issueTypeId)),
          project: this.projectJson(project),
          status: this.statusJson(this.status(issue.statusId)),
          creator: { accountId: issue.creatorAccountId },
          reporter: { accountId: issue.reporterAccountId },
          assignee: issue.assigneeAccountId ? { accountId: issue.assigneeAccountId } : null,
          created: jiraDate(issue.created),
          updated: jiraDate(issue.updated),
        },
      },
      ...extra,
    };
    this.events.push({ event, origin });
    const listeners = eventType === 'avi:jira:updated:issue' ? this.updatedListeners : this.createdListeners;
    for (const listener of listeners) listener(event, origin);
  }

  private emitComment(issue: Issue, comment: Issue['comments'][number], origin: ChangeOrigin): void {
    const project = this.projectOf(issue);
    const event: JiraCommentEvent = {
      eventType: 'avi:jira:commented:issue',
      selfGenerated: origin.via === 'api',
      atlassianId: origin.accountId,
      issue: {
        id: issue.id,
        key: issue.key,
        fields: {
          summary: issue.summary,
          issuetype: this.issueTypeJson(this.issueTypes.get(issue.issueTypeId)),
          project: this.projectJson(project),
          status: this.statusJson(this.status(issue.statusId)),
          creator: { accountId: issue.creatorAccountId },
          reporter: { accountId: issue.reporterAccountId },
          assignee: issue.assigneeAccountId ? { accountId: issue.assigneeAccountId } : null,
          created: jiraDate(issue.created),
          updated: jiraDate(issue.updated),
        },
      },
      comment: this.commentJson(issue, comment),
    };
    for (const listener of this.commentListeners) listener(event, origin);
  }

  private status(id: string): Status {
    const status = this.statuses.get(id);
    if (!status) throw new Error(`Jira simulator: unknown status ${id}`);
    return status;
  }

  private projectOf(issue: Issue): Project {
    const project = this.projects.get(issue.projectId);
    if (!project) throw new Error(`Jira simulator: issue ${issue.key} has unknown project`);
    return project;
  }

  private workflowOf(project: Project): Workflow {
    const workflow = this.workflows.get(project.workflow);
    if (!workflow) throw new Error(`Jira simulator: project ${project.key} has unknown workflow`);
    return workflow;
  }

  private findProject(idOrKey: string): Project | undefined {
    return this.projects.get(idOrKey) ?? [...this.projects.values()].find((p) => p.key === idOrKey);
  }

  private findIssue(idOrKey: string): Issue | undefined {
    const id = /^\d+$/.test(idOrKey) ? idOrKey : this.issueIdsByKey.get(idOrKey.toUpperCase());
    return id === undefined ? undefined : this.issues.get(id);
  }

  private caller(req: SimRequest): Caller {
    const provider = req.provider ?? 'none';
    if (provider === 'app') return { provider, user: null, accountId: APP_ACCOUNT_ID };
    if (provider === 'user') {
      const user = req.accountId ? this.users.get(req.accountId) : undefined;
      if (!user)
        throw jiraError(401, [
          'You are not authenticated. Authentication required to perform this operation.',
        ]);
      return { provider, user, accountId: user.accountId };
    }
    return { provider: 'none', user: null, accountId: null };
  }

  private can(caller: Caller, permission: string, project?: Project): boolean {
    if (caller.provider === 'app') return true;
    const user = caller.user;
    if (!user) return false;
    const def = PERMISSIONS.find((p) => p.key === permission);
    if (def?.type === 'GLOBAL') return user.globalPermissions.includes(permission);
    const roles = project ? [user.roles[project.key]] : Object.values(user.roles);
    return roles.some((role) => role !== undefined && ROLE_PERMISSIONS[role].includes(permission));
  }

  private visibleIssue(caller: Caller, idOrKey: string): Issue {
    const issue = this.findIssue(idOrKey);
    if (!issue || !this.can(caller, 'BROWSE_PROJECTS', this.projectOf(issue))) throw ISSUE_NOT_FOUND();
    return issue;
  }

  private origin(caller: Caller): ChangeOrigin {
    return { via: 'api', provider: caller.provider, accountId: caller.accountId ?? 'anonymous' };
  }

  // ---- JSON shapes --------------------------------------------------------------------------

  private avatarUrls(kind: 'project' | 'user', id: string): Record<string, string> {
    const base =
      kind === 'project'
        ? `${this.siteUrl}/rest/api/3/universal_avatar/view/type/project/avatar/${id}`
        : `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/${id}/avatar.png`;
    return {
      '48x48': `${base}?size=large`,
      '24x24': `${base}?size=small`,
      '16x16': `${base}?size=xsmall`,
      '32x32': `${base}?size=medium`,
    };
  }

  private userJson(accountId: string | null): Record<string, unknown> | null {
    if (accountId === null) return null;
    const user = this.users.get(accountId);
    const isApp = accountId === APP_ACCOUNT_ID;
    return {
      self: `${this.siteUrl}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`,
      accountId,
      ...(user ? { emailAddress: user.emailAddress } : {}),
      avatarUrls: this.avatarUrls('user', accountId),
      displayName: user?.displayName ?? (isApp ? 'Product Health for Jira' : 'Former user'),
      active: user !== undefined || isApp,
      timeZone: user?.timeZone ?? 'Etc/UTC',
      accountType: isApp ? 'app' : 'atlassian',
    };
  }

  private categoryJson(category: StatusCategory): Record<string, unknown> {
    return {
      self: `${this.siteUrl}/rest/api/3/statuscategory/${category.id}`,
      id: category.id,
      key: category.key,
      colorName: category.colorName,
      name: category.name,
    };
  }

  private statusJson(status: Status): Record<string, unknown> {
    const category = STATUS_CATEGORIES.find((c) => c.key === status.categoryKey);
    return {
      self: `${this.siteUrl}/rest/api/3/status/${status.id}`,
      description: status.description,
      iconUrl: `${this.siteUrl}/images/icons/statuses/generic.png`,
      name: status.name,
      id: status.id,
      ...(category ? { statusCategory: this.categoryJson(category) } : {}),
    };
  }

  private issueTypeJson(type: IssueType | undefined): Record<string, unknown> {
    if (!type) return {};
    return {
      self: `${this.siteUrl}/rest/api/3/issuetype/${type.id}`,
      id: type.id,
      description: type.description,
      iconUrl: `${this.siteUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${type.avatarId}?size=medium`,
      name: type.name,
      subtask: false,
      avatarId: type.avatarId,
      hierarchyLevel: 0,
    };
  }

  private projectJson(project: Project, expand: string[] = []): Record<string, unknown> {
    const issues = [...this.issues.values()].filter((i) => i.projectId === project.id);
    return {
      expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
      self: `${this.siteUrl}/rest/api/3/project/${project.id}`,
      id: project.id,
      key: project.key,
      name: project.name,
      avatarUrls: this.avatarUrls('project', project.id),
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
      isPrivate: false,
      properties: {},
      ...(expand.includes('description')
        ? { description: `${project.name} (${this.workflowOf(project).name})` }
        : {}),
      ...(expand.includes('lead') ? { lead: this.userJson(project.leadAccountId) } : {}),
      ...(expand.includes('issueTypes')
        ? { issueTypes: project.issueTypes.map((id) => this.issueTypeJson(this.issueTypes.get(id))) }
        : {}),
      ...(expand.includes('insight')
        ? {
            insight: {
              totalIssueCount: issues.length,
              lastIssueUpdateTime: jiraDate(issues.reduce((max, i) => Math.max(max, i.updated), 0)),
            },
          }
        : {}),
    };
  }

  private allFields(issue: Issue): Record<string, unknown> {
    const project = this.projectOf(issue);
    const priority = PRIORITIES.find((p) => p.id === issue.priorityId);
    const resolution = issue.resolutionId ? RESOLUTIONS.find((r) => r.id === issue.resolutionId) : undefined;
    return {
      summary: issue.summary,
      status: this.statusJson(this.status(issue.statusId)),
      issuetype: this.issueTypeJson(this.issueTypes.get(issue.issueTypeId)),
      project: this.projectJson(project),
      priority: priority
        ? {
            self: `${this.siteUrl}/rest/api/3/priority/${priority.id}`,
            iconUrl: `${this.siteUrl}/images/icons/priorities/${priority.icon}.svg`,
            name: priority.name,
            id: priority.id,
          }
        : null,
      labels: [...issue.labels],
      assignee: this.userJson(issue.assigneeAccountId),
      reporter: this.userJson(issue.reporterAccountId),
      creator: this.userJson(issue.creatorAccountId),
      created: jiraDate(issue.created),
      updated: jiraDate(issue.updated),
      statuscategorychangedate: jiraDate(issue.statusCategoryChanged),
      resolution: resolution
        ? {
            self: `${this.siteUrl}/rest/api/3/resolution/${resolution.id}`,
            id: resolution.id,
            description: resolution.description,
            name: resolution.name,
          }
        : null,
      resolutiondate: issue.resolutionDate === null ? null : jiraDate(issue.resolutionDate),
      description: issue.description,
      comment: {
        comments: issue.comments.map((c) => this.commentJson(issue, c)),
        self: `${this.siteUrl}/rest/api/3/issue/${issue.id}/comment`,
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      },
    };
  }

  private commentJson(issue: Issue, comment: Issue['comments'][number]): Record<string, unknown> {
    return {
      self: `${this.siteUrl}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
      id: comment.id,
      author: this.userJson(comment.authorAccountId),
      body: comment.body,
      updateAuthor: this.userJson(comment.authorAccountId),
      created: jiraDate(comment.created),
      updated: jiraDate(comment.created),
      jsdPublic: true,
    };
  }

  /** An IssueBean with the requested fields (`*all`, `*navigable`, names, `-name` exclusions) and properties. */
  private issueJson(
    issue: Issue,
    fieldsParam: string[] | null,
    propertiesParam: string[] | null,
  ): Record<string, unknown> {
    const all = this.allFields(issue);
    let fields: Record<string, unknown> = all;
    if (fieldsParam !== null) {
      const include = new Set<string>();
      const exclude = new Set<string>();
      let everything = false;
      for (const f of fieldsParam) {
        if (f === '*all' || f === '*navigable') everything = true;
        else if (f.startsWith('-')) exclude.add(f.slice(1));
        else include.add(f);
      }
      if (!everything && include.size === 0 && exclude.size > 0) everything = true;
      fields = Object.fromEntries(
        Object.entries(all).filter(([k]) => (everything || include.has(k)) && !exclude.has(k)),
      );
    }
    const out: Record<string, unknown> = {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${this.siteUrl}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields,
    };
    if (propertiesParam && propertiesParam.length > 0) {
      const wanted = propertiesParam.includes('*all') ? [...issue.properties.keys()] : propertiesParam;
      out.properties = Object.fromEntries(
        wanted
          .filter((k) => issue.properties.has(k))
          .map((k) => [k, JSON.parse(issue.properties.get(k) ?? 'null') as unknown]),
      );
    }
    return out;
  }

  // ---- HTTP -------------------------------------------------------------------------------

  protected override route(req: SimRequest): Response {
    const caller = this.caller(req);
    const path = req.path.replace(/\/$/, '');
    const m = /^\/rest\/api\/3(\/.*)$/.exec(path);
    if (!m) throw jiraError(404, [`No REST resource at ${req.path}`]);
    const rest = m[1] ?? '';
    const method = req.method;
    const notAllowed = (): never => {
      throw jiraError(405, [`Method ${method} is not supported for ${rest}`]);
    };
    let match: RegExpExecArray | null;

    if (rest === '/issue') return method === 'POST' ? this.createIssue(req, caller) : notAllowed();
    if ((match = /^\/issue\/([^/]+)$/.exec(rest))) {
      if (method !== 'GET') notAllowed();
      const issue = this.visibleIssue(caller, decodeURIComponent(match[1] ?? ''));
      return jsonResponse(
        this.issueJson(issue, listParam(req.query, 'fields'), listParam(req.query, 'properties')),
      );
    }
    if ((match = /^\/issue\/([^/]+)\/transitions$/.exec(rest))) {
      const issue = this.visibleIssue(caller, decodeURIComponent(match[1] ?? ''));
      if (method === 'GET') return this.getTransitions(req, caller, issue);
      if (method === 'POST') return this.doTransition(req, caller, issue);
      notAllowed();
    }
    if ((match = /^\/issue\/([^/]+)\/properties$/.exec(rest))) {
      if (method !== 'GET') notAllowed();
      const issue = this.visibleIssue(caller, decodeURIComponent(match[1] ?? ''));
      return jsonResponse({
        keys: [...issue.properties.keys()].map((key) => ({
          self: `${this.siteUrl}/rest/api/3/issue/${issue.id}/properties/${encodeURIComponent(key)}`,
          key,
        })),
      });
    }
    if ((match = /^\/issue\/([^/]+)\/properties\/([^/]+)$/.exec(rest))) {
      const issue = this.visibleIssue(caller, decodeURIComponent(match[1] ?? ''));
      return this.issueProperty(req, caller, issue, decodeURIComponent(match[2] ?? ''));
    }
    if ((match = /^\/issue\/([^/]+)\/comment$/.exec(rest))) {
      const issue = this.visibleIssue(caller, decodeURIComponent(match[1] ?? ''));
      if (method === 'POST') return this.addComment(req, caller, issue);
      if (method === 'GET') {
        return jsonResponse({
          startAt: 0,
          maxResults: 5000,
          total: issue.comments.length,
          comments: issue.comments.map((c) => this.commentJson(issue, c)),
        });
      }
      notAllowed();
    }
    if ((match = /^\/issue\/([^/]+)\/comment\/([^/]+)$/.exec(rest))) {
      // Get comment (GET /rest/api/3/issue/{issueIdOrKey}/comment/{id}): 404 when the comment is gone.
      if (method !== 'GET') notAllowed();
      const issue = this.visibleIssue(caller, decodeURIComponent(match[1] ?? ''));
      const comment = issue.comments.find(
        (candidate) => candidate.id === decodeURIComponent(match?.[2] ?? ''),
      );
      if (!comment) throw jiraError(404, ['Can not find a comment for the id.']);
      return jsonResponse(this.commentJson(issue, comment));
    }
    if ((match = /^\/issue\/createmeta\/([^/]+)\/issuetypes(?:\/([^/]+))?$/.exec(rest))) {
      if (method !== 'GET') notAllowed();
      const project = decodeURIComponent(match[1] ?? '');
      return match[2] === undefined
        ? this.createMetaIssueTypes(req, caller, project)
        : this.createMetaFields(req, caller, project, decodeURIComponent(match[2]));
    }
    if (rest === '/mypermissions') return method === 'GET' ? this.myPermissions(req, caller) : notAllowed();
    if (rest === '/project/search') return method === 'GET' ? this.searchProjects(req, caller) : notAllowed();
    if ((match = /^\/project\/([^/]+)\/statuses$/.exec(rest))) {
      if (method !== 'GET') notAllowed();
      return this.projectStatuses(caller, decodeURIComponent(match[1] ?? ''));
    }
    if (rest === '/priority') {
      if (method !== 'GET') notAllowed();
      // Every priority of the site, highest first, the default marked (Priority in the v3 spec).
      return jsonResponse(
        PRIORITIES.map((p) => ({
          self: `${this.siteUrl}/rest/api/3/priority/${p.id}`,
          iconUrl: `${this.siteUrl}/images/icons/priorities/${p.icon}.svg`,
          name: p.name,
          id: p.id,
          isDefault: p.id === '3',
        })),
      );
    }
    if (rest === '/status') {
      if (method !== 'GET') notAllowed();
      return jsonResponse(STATUSES.map((s) => this.statusJson(s)));
    }
    if (rest === '/statuscategory') {
      if (method !== 'GET') notAllowed();
      return jsonResponse(STATUS_CATEGORIES.map((c) => this.categoryJson(c)));
    }
    if (rest === '/statuses/search')
      return method === 'GET' ? this.searchStatuses(req, caller) : notAllowed();
    if (rest === '/search/jql') {
      if (method === 'GET') return this.searchJql(caller, searchParamsFromQuery(req.query));
      if (method === 'POST') return this.searchJql(caller, searchParamsFromBody(req.body));
      notAllowed();
    }
    if (rest === '/search') {
      throw jiraError(410, [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
      ]);
    }
    throw jiraError(404, [`No REST resource at ${req.path}`]);
  }

  private parseJsonBody(req: SimRequest): unknown {
    if (req.body === undefined) throw jiraError(400, ['No content to map due to end-of-input']);
    try {
      return JSON.parse(req.body) as unknown;
    } catch {
      throw jiraError(400, ['Unexpected character in the request body: it is not valid JSON.']);
    }
  }

  private createIssue(req: SimRequest, caller: Caller): Response {
    const body = this.parseJsonBody(req);
    const fields = (
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).fields : undefined
    ) as Record<string, unknown> | undefined;
    const errors: Record<string, string> = {};
    if (!fields || typeof fields !== 'object')
      throw jiraError(400, [], {
        project: 'Specify a valid project ID or key',
        issuetype: 'Specify an issue type',
        summary: 'You must specify a summary of the issue.',
      });
    const projectRef = fields.project as { id?: string; key?: string } | undefined;
    const project = projectRef ? this.findProject(String(projectRef.id ?? projectRef.key ?? '')) : undefined;
    if (!project || !this.can(caller, 'BROWSE_PROJECTS', project))
      errors.project = 'Specify a valid project ID or key';
    const typeRef = fields.issuetype as { id?: string; name?: string } | undefined;
    const type = typeRef
      ? ISSUE_TYPES.find((t) => t.id === typeRef.id || t.name === typeRef.name)
      : undefined;
    if (!typeRef) errors.issuetype = 'Specify an issue type';
    else if (!type || (project && !project.issueTypes.includes(type.id)))
      errors.issuetype = 'Specify a valid issue type';
    const summary = fields.summary;
    if (typeof summary !== 'string' || summary.trim() === '')
      errors.summary = 'You must specify a summary of the issue.';
    else if (summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    else if (/[\r\n]/.test(summary))
      errors.summary = 'The summary is invalid because it contains newline characters.';
    if (
      fields.description !== undefined &&
      fields.description !== null &&
      adfProblem(fields.description) !== null
    ) {
      errors.description =
        'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    }
    let priorityId = '3';
    if (fields.priority !== undefined) {
      const ref = fields.priority as { id?: string; name?: string };
      const priority = PRIORITIES.find((p) => p.id === ref.id || p.name === ref.name);
      if (!priority) errors.priority = 'The priority selected is invalid.';
      else priorityId = priority.id;
    }
    if (
      fields.labels !== undefined &&
      (!Array.isArray(fields.labels) || fields.labels.some((l) => typeof l !== 'string' || /\s/.test(l)))
    ) {
      errors.labels = 'The label must not contain spaces.';
    }
    let assignee: string | null = null;
    if (fields.assignee !== undefined && fields.assignee !== null) {
      const ref = fields.assignee as { accountId?: string; id?: string };
      const accountId = ref.accountId ?? ref.id ?? '';
      if (!this.users.has(accountId)) errors.assignee = `User '${accountId}' cannot be assigned issues.`;
      else assignee = accountId;
    }
    if (Object.keys(errors).length > 0) throw jiraError(400, [], errors);
    if (!project || !type) throw jiraError(400, [], { project: 'Specify a valid project ID or key' });
    if (!this.can(caller, 'CREATE_ISSUES', project))
      throw jiraError(400, [], { project: 'You do not have permission to create issues in this project.' });
    const properties = (body as Record<string, unknown>).properties;
    const issue = this.insertIssue(project, {
      issueTypeId: type.id,
      summary: String(summary),
      description: (fields.description as AdfDoc | undefined) ?? null,
      priorityId,
      labels: (fields.labels as string[] | undefined) ?? [],
      reporter: caller.accountId ?? APP_ACCOUNT_ID,
      assignee,
      created: this.now(),
    });
    if (Array.isArray(properties)) {
      for (const p of properties as Array<{ key?: unknown; value?: unknown }>) {
        if (typeof p.key === 'string') issue.properties.set(p.key, JSON.stringify(p.value ?? null));
      }
    }
    this.emit('avi:jira:created:issue', issue, this.origin(caller));
    return jsonResponse(
      { id: issue.id, key: issue.key, self: `${this.siteUrl}/rest/api/3/issue/${issue.id}` },
      201,
    );
  }

  private availableTransitions(issue: Issue): Transition[] {
    const workflow = this.workflowOf(this.projectOf(issue));
    return workflow.transitions.filter(
      (t) => t.to !== issue.statusId && (t.from === 'any' || t.from.includes(issue.statusId)),
    );
  }

  private getTransitions(req: SimRequest, caller: Caller, issue: Issue): Response {
    const canTransition = this.can(caller, 'TRANSITION_ISSUES', this.projectOf(issue));
    const only = req.query.get('transitionId');
    const transitions = canTransition
      ? this.availableTransitions(issue).filter((t) => only === null || t.id === only)
      : [];
    return jsonResponse({
      expand: 'transitions',
      transitions: transitions.map((t) => ({
        id: t.id,
        name: t.name,
        to: this.statusJson(this.status(t.to)),
        hasScreen: false,
        isGlobal: t.from === 'any',
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        looped: false,
      })),
    });
  }

  private doTransition(req: SimRequest, caller: Caller, issue: Issue): Response {
    const body = this.parseJsonBody(req) as Record<string, unknown>;
    const transitionRef = body.transition as { id?: unknown } | undefined;
    if (!transitionRef || (typeof transitionRef.id !== 'string' && typeof transitionRef.id !== 'number')) {
      throw jiraError(400, ["Missing 'transition' identifier"]);
    }
    const transitionId = String(transitionRef.id);
    if (!this.can(caller, 'TRANSITION_ISSUES', this.projectOf(issue))) {
      throw jiraError(400, ['You do not have permission to transition this issue.']);
    }
    const transition = this.availableTransitions(issue).find((t) => t.id === transitionId);
    if (!transition) throw jiraError(400, [`Transition id '${transitionId}' is not valid for this issue.`]);
    // The workflows have no transition screens: fields cannot be set during a transition.
    const fields = body.fields as Record<string, unknown> | undefined;
    if (fields && Object.keys(fields).length > 0) {
      throw jiraError(
        400,
        [],
        Object.fromEntries(
          Object.keys(fields).map((f) => [
            f,
            `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`,
          ]),
        ),
      );
    }
    const comments = ((body.update as Record<string, unknown> | undefined)?.comment ?? []) as Array<{
      add?: { body?: unknown };
    }>;
    for (const c of comments) {
      const problem = adfProblem(c.add?.body);
      if (problem)
        throw jiraError(400, [], { comment: `Comment body is not a valid Atlassian Document: ${problem}` });
    }
    this.applyStatus(issue, this.status(transition.to), this.origin(caller));
    for (const c of comments) this.pushComment(issue, caller, c.add?.body as AdfDoc);
    return new Response(null, { status: 204 });
  }

  private pushComment(issue: Issue, caller: Caller, body: AdfDoc): Issue['comments'][number] {
    const comment = {
      id: String(this.nextCommentId),
      authorAccountId: caller.accountId ?? APP_ACCOUNT_ID,
      body,
      created: this.now(),
    };
    this.nextCommentId += 1;
    issue.comments.push(comment);
    issue.updated = comment.created;
    return comment;
  }

  private addComment(req: SimRequest, caller: Caller, issue: Issue): Response {
    const body = this.parseJsonBody(req) as Record<string, unknown>;
    if (body.body === undefined || body.body === null)
      throw jiraError(400, [], { comment: 'Comment body can not be empty!' });
    const problem = adfProblem(body.body);
    if (problem)
      throw jiraError(400, [], { comment: `Comment body is not a valid Atlassian Document: ${problem}` });
    if (!this.can(caller, 'ADD_COMMENTS', this.projectOf(issue)))
      throw jiraError(403, ['You do not have the permission to comment on this issue.']);
    const comment = this.pushComment(issue, caller, body.body as AdfDoc);
    this.emitComment(issue, comment, this.origin(caller));
    return jsonResponse(this.commentJson(issue, comment), 201);
  }

  private issueProperty(req: SimRequest, caller: Caller, issue: Issue, key: string): Response {
    const project = this.projectOf(issue);
    if (key.length > 255) throw jiraError(400, ['The property key cannot be longer than 255 characters.']);
    switch (req.method) {
      case 'GET': {
        const value = issue.properties.get(key);
        if (value === undefined) throw jiraError(404, [`The property with key '${key}' does not exist.`]);
        return jsonResponse({ key, value: JSON.parse(value) as unknown });
      }
      case 'PUT': {
        if (!this.can(caller, 'EDIT_ISSUES', project))
          throw jiraError(403, ['You do not have permission to edit this issue.']);
        const text = req.body ?? '';
        try {
          JSON.parse(text);
        } catch {
          throw jiraError(400, ['The property value must be a valid, non-empty JSON value.']);
        }
        if (text.length > MAX_PROPERTY_LENGTH) {
          throw jiraError(400, [
            `The property value is too long: ${text.length} characters. The maximum allowed length is ${MAX_PROPERTY_LENGTH} characters.`,
          ]);
        }
        const existed = issue.properties.has(key);
        issue.properties.set(key, text);
        return new Response(null, { status: existed ? 200 : 201 });
      }
      case 'DELETE': {
        if (!this.can(caller, 'EDIT_ISSUES', project))
          throw jiraError(403, ['You do not have permission to edit this issue.']);
        if (!issue.properties.delete(key))
          throw jiraError(404, [`The property with key '${key}' does not exist.`]);
        return new Response(null, { status: 204 });
      }
      default:
        throw jiraError(405, [`Method ${req.method} is not supported for issue properties`]);
    }
  }

  private myPermissions(req: SimRequest, caller: Caller): Response {
    const raw = req.query.get('permissions');
    if (!raw)
      throw jiraError(400, [
        "The 'permissions' query parameter is required: a comma-separated list of permission keys.",
      ]);
    const keys = raw
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const unknown = keys.filter((k) => !PERMISSIONS.some((p) => p.key === k));
    if (unknown.length > 0)
      throw jiraError(400, [`The permission keys ${unknown.join(', ')} are not valid.`]);
    let project: Project | undefined;
    const projectRef = req.query.get('projectId') ?? req.query.get('projectKey');
    const issueRef = req.query.get('issueId') ?? req.query.get('issueKey');
    if (issueRef) project = this.projectOf(this.visibleIssue(caller, issueRef));
    else if (projectRef) {
      project = this.findProject(projectRef);
      if (!project || !this.can(caller, 'BROWSE_PROJECTS', project)) {
        throw jiraError(404, [
          `No project could be found with ${req.query.has('projectId') ? 'id' : 'key'} '${projectRef}'.`,
        ]);
      }
    }
    const permissions: Record<string, unknown> = {};
    for (const key of keys) {
      const def = PERMISSIONS.find((p) => p.key === key);
      if (!def) continue;
      permissions[key] = {
        id: def.id,
        key: def.key,
        name: def.name,
        type: def.type,
        description: def.description,
        havePermission: this.can(caller, key, project),
      };
    }
    return jsonResponse({ permissions });
  }

  private searchProjects(req: SimRequest, caller: Caller): Response {
    const q = req.query;
    const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
    const requested = Number(q.get('maxResults') ?? 50) || 50;
    const maxResults = Math.min(100, Math.max(1, requested));
    const keys = q.getAll('keys').flatMap((k) => k.split(','));
    const ids = q.getAll('id').flatMap((k) => k.split(','));
    const text = q.get('query')?.toLowerCase();
    const expand = (q.get('expand') ?? '').split(',');
    const orderBy = q.get('orderBy') ?? 'key';
    const direction = orderBy.startsWith('-') ? -1 : 1;
    const orderField = orderBy.replace(/^[+-]/, '');
    const projects = [...this.projects.values()]
      .filter((p) => this.can(caller, 'BROWSE_PROJECTS', p) || this.can(caller, 'ADMINISTER_PROJECTS', p))
      .filter((p) => keys.length === 0 || keys.includes(p.key))
      .filter((p) => ids.length === 0 || ids.includes(p.id))
      .filter((p) => !text || p.key.toLowerCase().includes(text) || p.name.toLowerCase().includes(text))
      .sort(
        (a, b) =>
          direction * (orderField === 'name' ? a.name.localeCompare(b.name) : a.key.localeCompare(b.key)),
      );
    const page = projects.slice(startAt, startAt + maxResults);
    const isLast = startAt + maxResults >= projects.length;
    const selfParams = new URLSearchParams(q);
    const next = new URLSearchParams(q);
    next.set('startAt', String(startAt + maxResults));
    next.set('maxResults', String(maxResults));
    return jsonResponse({
      self: `${this.siteUrl}/rest/api/3/project/search?${selfParams.toString()}`,
      ...(isLast ? {} : { nextPage: `${this.siteUrl}/rest/api/3/project/search?${next.toString()}` }),
      maxResults,
      startAt,
      total: projects.length,
      isLast,
      values: page.map((p) => this.projectJson(p, expand)),
    });
  }

  private projectStatuses(caller: Caller, idOrKey: string): Response {
    const project = this.findProject(idOrKey);
    if (!project || !this.can(caller, 'BROWSE_PROJECTS', project)) {
      throw jiraError(404, [
        `No project could be found with ${/^\d+$/.test(idOrKey) ? 'id' : 'key'} '${idOrKey}'.`,
      ]);
    }
    const statuses = this.workflowOf(project).statuses.map((id) => this.statusJson(this.status(id)));
    return jsonResponse(
      project.issueTypes.map((typeId) => {
        const type = this.issueTypes.get(typeId);
        return {
          self: `${this.siteUrl}/rest/api/3/issueType/${typeId}`,
          id: typeId,
          name: type?.name ?? '',
          subtask: false,
          statuses,
        };
      }),
    );
  }

  /** createmeta paging: startAt and maxResults (at most 200, as the spec says). */
  private createMetaPage<T>(req: SimRequest, items: T[], listName: 'issueTypes' | 'fields'): Response {
    const startAt = Math.max(0, Number(req.query.get('startAt') ?? 0) || 0);
    const maxResults = Number(req.query.get('maxResults') ?? 50) || 50;
    if (maxResults > 200) throw jiraError(400, ["Parameter 'maxResults' must not exceed the limit '200'"]);
    const page = items.slice(startAt, startAt + maxResults);
    return jsonResponse({ maxResults, startAt, total: items.length, [listName]: page });
  }

  /** The project for createmeta: 404 when the caller cannot see it, as for the other project resources. */
  private createMetaProject(caller: Caller, idOrKey: string): Project {
    const project = this.findProject(idOrKey);
    if (!project || !this.can(caller, 'BROWSE_PROJECTS', project)) {
      throw jiraError(404, [
        `No project could be found with ${/^\d+$/.test(idOrKey) ? 'id' : 'key'} '${idOrKey}'.`,
      ]);
    }
    return project;
  }

  /** Issue types the caller may create in the project; none without the Create issues permission. */
  private createMetaIssueTypes(req: SimRequest, caller: Caller, idOrKey: string): Response {
    const project = this.createMetaProject(caller, idOrKey);
    const types = this.can(caller, 'CREATE_ISSUES', project)
      ? project.issueTypes.map((id) => this.issueTypeJson(this.issueTypes.get(id)))
      : [];
    return this.createMetaPage(req, types, 'issueTypes');
  }

  /** The create screen of an issue type: the fields createIssue accepts, with priorities as allowed values. */
  private createMetaFields(req: SimRequest, caller: Caller, idOrKey: string, issueTypeId: string): Response {
    const project = this.createMetaProject(caller, idOrKey);
    const type = this.issueTypes.get(issueTypeId);
    if (!type || !project.issueTypes.includes(issueTypeId) || !this.can(caller, 'CREATE_ISSUES', project)) {
      throw jiraError(404, [
        `Issue type with id '${issueTypeId}' does not exist or is not in project ${project.key}.`,
      ]);
    }
    const field = (
      fieldId: string,
      name: string,
      schema: Record<string, unknown>,
      extra: Record<string, unknown> = {},
    ): Record<string, unknown> => ({
      fieldId,
      key: fieldId,
      name,
      required: false,
      hasDefaultValue: false,
      operations: ['set'],
      schema: { ...schema, system: fieldId },
      ...extra,
    });
    const priorities = PRIORITIES.map((p) => ({
      self: `${this.siteUrl}/rest/api/3/priority/${p.id}`,
      iconUrl: `${this.siteUrl}/images/icons/priorities/${p.icon}.svg`,
      name: p.name,
      id: p.id,
    }));
    const fields = [
      field('summary', 'Summary', { type: 'string' }, { required: true }),
      field(
        'issuetype',
        'Issue Type',
        { type: 'issuetype' },
        {
          required: true,
          allowedValues: [this.issueTypeJson(type)],
        },
      ),
      field(
        'project',
        'Project',
        { type: 'project' },
        {
          required: true,
          allowedValues: [this.projectJson(project)],
        },
      ),
      field('description', 'Description', { type: 'string' }),
      field('reporter', 'Reporter', { type: 'user' }, { required: true, hasDefaultValue: true }),
      field(
        'priority',
        'Priority',
        { type: 'priority' },
        {
          hasDefaultValue: true,
          allowedValues: priorities,
          defaultValue: priorities.find((p) => p.id === '3'),
        },
      ),
      field(
        'labels',
        'Labels',
        { type: 'array', items: 'string' },
        {
          operations: ['add', 'set', 'remove'],
          autoCompleteUrl: `${this.siteUrl}/rest/api/1.0/labels/suggest?query=`,
        },
      ),
      field('assignee', 'Assignee', { type: 'user' }),
    ];
    return this.createMetaPage(req, fields, 'fields');
  }

  private searchStatuses(req: SimRequest, caller: Caller): Response {
    const administers =
      caller.provider === 'app' ||
      [...this.projects.values()].some((p) => this.can(caller, 'ADMINISTER_PROJECTS', p)) ||
      this.can(caller, 'ADMINISTER');
    if (!administers)
      throw jiraError(401, [
        'You must be a Jira administrator or a project administrator to search statuses.',
      ]);
    const q = req.query;
    const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
    const maxResults = Math.max(1, Number(q.get('maxResults') ?? 200) || 200);
    const projectId = q.get('projectId');
    const text = q.get('searchString')?.toLowerCase();
    const category = q.get('statusCategory');
    if (category !== null && !['TODO', 'IN_PROGRESS', 'DONE'].includes(category)) {
      throw jiraError(400, [
        `The status category '${category}' is not valid. Use TODO, IN_PROGRESS or DONE.`,
      ]);
    }
    let statuses = STATUSES;
    if (projectId) {
      const project = this.findProject(projectId);
      statuses = project ? this.workflowOf(project).statuses.map((id) => this.status(id)) : [];
    }
    const matches = statuses
      .filter((s) => !text || s.name.toLowerCase().includes(text))
      .filter(
        (s) =>
          category === null ||
          STATUS_CATEGORIES.find((c) => c.key === s.categoryKey)?.searchName === category,
      );
    const page = matches.slice(startAt, startAt + maxResults);
    const isLast = startAt + maxResults >= matches.length;
    return jsonResponse({
      self: `${this.siteUrl}/rest/api/3/statuses/search?startAt=${startAt}&maxResults=${maxResults}`,
      ...(isLast
        ? {}
        : {
            nextPage: `${this.siteUrl}/rest/api/3/statuses/search?startAt=${startAt + maxResults}&maxResults=${maxResults}`,
          }),
      startAt,
      maxResults,
      total: matches.length,
      isLast,
      values: page.map((s) => ({
        id: s.id,
        name: s.name,
        description: s.description,
        statusCategory: STATUS_CATEGORIES.find((c) => c.key === s.categoryKey)?.searchName ?? 'UNDEFINED',
        scope: { type: 'GLOBAL' },
      })),
    });
  }

  private jqlFields(): JqlContext<Issue>['field'] {
    const now = this.now();
    const text = (
      values: (i: Issue) => Array<string | number>,
      matches?: (i: Issue, lit: string) => boolean,
    ): JqlField<Issue> => ({
      kind: 'text',
      values,
      ...(matches ? { matches } : {}),
    });
    const date = (read: (i: Issue) => number | null): JqlField<Issue> => ({
      kind: 'date',
      values: (i) => {
        const v = read(i);
        return v === null ? [] : [v];
      },
      literal: (t) => parseJqlDate(t, now),
    });
    const user = (read: (i: Issue) => string | null): JqlField<Issue> => ({
      kind: 'user',
      values: (i) => {
        const v = read(i);
        return v === null ? [] : [v];
      },
    });
    const category = (i: Issue): StatusCategory | undefined =>
      STATUS_CATEGORIES.find((c) => c.key === this.status(i.statusId).categoryKey);
    const fields: Record<string, JqlField<Issue>> = {
      project: text(
        (i) => [this.projectOf(i).key],
        (i, lit) =>
          this.projectOf(i).id === lit || this.projectOf(i).name.toLowerCase() === lit.toLowerCase(),
      ),
      key: text(
        (i) => [i.key],
        (i, lit) => i.id === lit,
      ),
      id: { kind: 'id', values: (i) => [Number(i.id)], literal: (t) => jqlNumber(t, 'id') },
      status: text(
        (i) => [this.status(i.statusId).name],
        (i, lit) => i.statusId === lit,
      ),
      statuscategory: text(
        (i) => [category(i)?.name ?? ''],
        (i, lit) => category(i)?.key === lit.toLowerCase() || String(category(i)?.id) === lit,
      ),
      issuetype: text(
        (i) => [this.issueTypes.get(i.issueTypeId)?.name ?? ''],
        (i, lit) => i.issueTypeId === lit,
      ),
      priority: text(
        (i) => [PRIORITIES.find((p) => p.id === i.priorityId)?.name ?? ''],
        (i, lit) => i.priorityId === lit,
      ),
      labels: text((i) => i.labels),
      resolution: text(
        (i) => (i.resolutionId ? [RESOLUTIONS.find((r) => r.id === i.resolutionId)?.name ?? ''] : []),
        (i, lit) => lit.toLowerCase() === 'unresolved' && i.resolutionId === null,
      ),
      summary: text((i) => [i.summary]),
      description: text((i) => (i.description ? [adfText(i.description)] : [])),
      text: text((i) => [
        i.summary,
        ...(i.description ? [adfText(i.description)] : []),
        ...i.comments.map((c) => adfText(c.body)),
      ]),
      assignee: user((i) => i.assigneeAccountId),
      reporter: user((i) => i.reporterAccountId),
      creator: user((i) => i.creatorAccountId),
      created: date((i) => i.created),
      updated: date((i) => i.updated),
      resolved: date((i) => i.resolutionDate),
      resolutiondate: date((i) => i.resolutionDate),
    };
    fields.issuekey = fields.key as JqlField<Issue>;
    fields.type = fields.issuetype as JqlField<Issue>;
    fields.createddate = fields.created as JqlField<Issue>;
    fields.updateddate = fields.updated as JqlField<Issue>;
    for (const alias of this.aliases)
      fields[alias.alias.toLowerCase()] = this.propertyField(
        alias.propertyKey,
        alias.path,
        alias.type,
        now,
        alias.alias,
      );
    return (name) => {
      const direct = fields[name.toLowerCase()];
      if (direct) return direct;
      const raw = /^issue\.property\[([^\]]+)\]\.(.+)$/i.exec(name);
      if (raw) return this.propertyField(raw[1] ?? '', raw[2] ?? '', 'any', now, name);
      return undefined;
    };
  }

  private propertyField(
    propertyKey: string,
    path: string,
    type: EntityPropertyAlias['type'] | 'any',
    now: number,
    label: string,
  ): JqlField<Issue> {
    const read = (i: Issue): unknown => {
      const raw = i.properties.get(propertyKey);
      if (raw === undefined) return undefined;
      let value: unknown = JSON.parse(raw);
      for (const part of path.split('.')) {
        if (typeof value !== 'object' || value === null) return undefined;
        value = (value as Record<string, unknown>)[part];
      }
      return value;
    };
    switch (type) {
      case 'number':
        return {
          kind: 'number',
          values: (i) => {
            const v = read(i);
            return typeof v === 'number' ? [v] : [];
          },
          literal: (t) => jqlNumber(t, label),
        };
      case 'date':
        return {
          kind: 'date',
          values: (i) => {
            const v = read(i);
            const t = typeof v === 'string' ? Date.parse(v) : NaN;
            return Number.isNaN(t) ? [] : [t];
          },
          literal: (t) => parseJqlDate(t, now),
        };
      case 'any':
        return {
          kind: 'number',
          values: (i) => {
            const v = read(i);
            return typeof v === 'number' || typeof v === 'string'
              ? [v]
              : typeof v === 'boolean'
                ? [String(v)]
                : [];
          },
          literal: (t) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : t),
        };
      default:
        return {
          kind: type === 'user' ? 'user' : 'text',
          values: (i) => {
            const v = read(i);
            return typeof v === 'string'
              ? [v]
              : Array.isArray(v)
                ? v.filter((x): x is string => typeof x === 'string')
                : [];
          },
        };
    }
  }

  private searchJql(caller: Caller, params: SearchParams): Response {
    const jql = params.jql ?? '';
    let query;
    try {
      query = parseJql(jql);
    } catch (error) {
      if (error instanceof JqlError) throw jiraError(400, [error.message]);
      throw error;
    }
    if (query.where === null) {
      throw jiraError(400, [
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      ]);
    }
    let predicate: (issue: Issue) => boolean;
    try {
      predicate = compileJql(query.where, {
        field: this.jqlFields(),
        currentUser: caller.user?.accountId ?? null,
        now: this.now(),
      });
    } catch (error) {
      if (error instanceof JqlError) throw jiraError(400, [error.message]);
      throw error;
    }
    const fieldsParam = params.fields;
    const idOnly = fieldsParam === null || fieldsParam.every((f) => f === 'id' || f === 'key');
    const cap = idOnly ? 5000 : 100;
    const maxResults = params.maxResults ?? 50;
    if (!Number.isInteger(maxResults) || maxResults < 1)
      throw jiraError(400, ['maxResults must be a positive integer.']);
    const pageSize = Math.min(maxResults, cap);
    const tokenOwner = hashString(jql).toString(36);
    let offset = 0;
    if (params.nextPageToken) {
      const decoded = decodePageToken(params.nextPageToken);
      if (!decoded || decoded.q !== tokenOwner)
        throw jiraError(400, ['The provided next page token is invalid or expired.']);
      offset = decoded.o;
    }
    let propertyError: string | null = null;
    const matches: Issue[] = [];
    for (const issue of this.issues.values()) {
      if (!this.can(caller, 'BROWSE_PROJECTS', this.projectOf(issue))) continue;
      try {
        if (predicate(issue)) matches.push(issue);
      } catch (error) {
        if (error instanceof JqlError) propertyError = error.message;
        else throw error;
      }
    }
    if (propertyError) throw jiraError(400, [propertyError]);
    const orderBy = query.orderBy.length > 0 ? query.orderBy : [{ field: 'key', direction: 'desc' as const }];
    matches.sort((a, b) => {
      for (const o of orderBy) {
        const c = compareBy(o.field.toLowerCase(), a, b, this);
        if (c !== 0) return o.direction === 'asc' ? c : -c;
      }
      return 0;
    });
    const page = matches.slice(offset, offset + pageSize);
    const hasMore = offset + pageSize < matches.length;
    return jsonResponse({
      issues: page.map((issue) =>
        fieldsParam === null && !params.properties
          ? { id: issue.id }
          : this.issueJson(issue, fieldsParam ?? [], params.properties ?? null),
      ),
      ...(hasMore ? { nextPageToken: encodePageToken({ q: tokenOwner, o: offset + pageSize }) } : {}),
      isLast: !hasMore,
    });
  }

  /** For compareBy: status name of an issue. */
  statusNameOf(issue: Issue): string {
    return this.status(issue.statusId).name;
  }
}

interface SearchParams {
  jql: string | null;
  nextPageToken: string | null;
  maxResults: number | null;
  fields: string[] | null;
  properties: string[] | null;
}

function listParam(q: URLSearchParams, name: string): string[] | null {
  const values = q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return values.length > 0 ? values : null;
}

function searchParamsFromQuery(q: URLSearchParams): SearchParams {
  const max = q.get('maxResults');
  return {
    jql: q.get('jql'),
    nextPageToken: q.get('nextPageToken'),
    maxResults: max === null ? null : Number(max),
    fields: listParam(q, 'fields'),
    properties: listParam(q, 'properties'),
  };
}

function searchParamsFromBody(body: string | undefined): SearchParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw jiraError(400, ['The request body is not valid JSON.']);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw jiraError(400, ['The request body must be a JSON object.']);
  const b = parsed as Record<string, unknown>;
  const strings = (v: unknown): string[] | null =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
  return {
    jql: typeof b.jql === 'string' ? b.jql : null,
    nextPageToken: typeof b.nextPageToken === 'string' ? b.nextPageToken : null,
    maxResults: typeof b.maxResults === 'number' ? b.maxResults : null,
    fields: strings(b.fields),
    properties: strings(b.properties),
  };
}

function encodePageToken(token: { q: string; o: number }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodePageToken(raw: string): { q: string; o: number } | null {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { q?: unknown; o?: unknown };
    return typeof parsed.q === 'string' && typeof parsed.o === 'number' ? { q: parsed.q, o: parsed.o } : null;
  } catch {
    return null;
  }
}

function jqlNumber(text: string, field: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new JqlError(`The value '${text}' is not valid for the field '${field}': it must be a number.`);
  return n;
}

function adfText(node: { text?: string; content?: Array<{ text?: string; content?: unknown[] }> }): string {
  const parts: string[] = [];
  const walk = (n: { text?: string; content?: unknown[] }): void => {
    if (typeof n.text === 'string') parts.push(n.text);
    for (const child of n.content ?? []) walk(child as { text?: string; content?: unknown[] });
  };
  walk(node);
  return parts.join(' ');
}

function compareBy(field: string, a: Issue, b: Issue, sim: JiraSimulator): number {
  switch (field) {
    case 'created':
      return a.created - b.created;
    case 'updated':
      return a.updated - b.updated;
    case 'priority':
      return Number(b.priorityId) - Number(a.priorityId);
    case 'status':
      return sim.statusNameOf(a).localeCompare(sim.statusNameOf(b));
    case 'summary':
      return a.summary.localeCompare(b.summary);
    case 'id':
      return Number(a.id) - Number(b.id);
    default: {
      // key: project key, then issue number.
      const [pa, na] = a.key.split('-');
      const [pb, nb] = b.key.split('-');
      return (pa ?? '').localeCompare(pb ?? '') || Number(na) - Number(nb);
    }
  }
}
