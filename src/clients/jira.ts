// Jira Cloud platform REST v3 client, through Forge's requestJira (as the app or as the invoking
// user) with every path built by `route`. Held to reference/jira/openapi.trimmed.json by
// test/contract/jira.contract.test.ts.
import { route, type Route } from '@forge/api';
import { z } from 'zod';

import type { AdfDoc } from '../domain/adf';
import { type JiraTransition, jiraTransitionsResponseSchema } from '../domain/status-mapping';
import {
  type ErrorWording,
  type HttpOptions,
  type JiraActor,
  NotFoundError,
  type OutgoingRequest,
  RemoteCaller,
  type ResponseLike,
  sendToJira,
} from './http';

const jiraWording = (actor: JiraActor): ErrorWording => ({
  system: 'Jira',
  unauthorized: (detail) =>
    actor === 'user'
      ? `Jira did not accept the user's session (401)${detail ? `: ${detail}` : ''}. Reload the page and sign in again.`
      : `Jira refused the app's credentials (401)${detail ? `: ${detail}` : ''}. Reinstall or upgrade the app so Forge issues a new token.`,
  forbidden: (permissions, detail) =>
    `Jira refused the request (403)${detail ? `: ${detail}` : ''}. ${
      actor === 'user' ? 'You need' : 'The app needs'
    } the ${permissions.join(' and ')} permission${permissions.length > 1 ? 's' : ''}; ask a Jira admin to grant ${
      permissions.length > 1 ? 'them' : 'it'
    }.`,
});

// ---------------------------------------------------------------------------------------------------
// Response schemas (fields the app reads).

const createdIssueSchema = z.object({ id: z.string().min(1), key: z.string().min(1) });
const propertySchema = z.object({ key: z.string(), value: z.unknown() });
const commentSchema = z.object({ id: z.string().min(1) });
const readCommentSchema = z.object({
  id: z.string().min(1),
  body: z.unknown(),
  self: z.string().nullish(),
  author: z.object({ displayName: z.string().nullish() }).loose().nullish(),
});
const permissionsSchema = z.object({
  permissions: z.record(z.string(), z.object({ key: z.string().optional(), havePermission: z.boolean() })),
});
const projectSchema = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  name: z.string(),
  projectTypeKey: z.string().optional(),
  simplified: z.boolean().optional(),
});
export type JiraProject = z.output<typeof projectSchema>;
const projectPageSchema = z.object({
  isLast: z.boolean().optional(),
  startAt: z.number().int(),
  maxResults: z.number().int(),
  total: z.number().int().optional(),
  values: z.array(projectSchema),
});
const statusCategorySchema = z.object({ id: z.number().int(), key: z.string(), name: z.string().optional() });
export type JiraStatusCategory = z.output<typeof statusCategorySchema>;
const projectStatusesSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    subtask: z.boolean().optional(),
    statuses: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        statusCategory: z.object({ key: z.string() }).optional(),
      }),
    ),
  }),
);
const createMetaIssueTypeSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  subtask: z.boolean().optional(),
  description: z.string().optional(),
  iconUrl: z.string().optional(),
});
/** Cloud answers `issueTypes` (the spec's name); Server / Data Center answered `values`. */
const createMetaIssueTypesPageSchema = z
  .object({
    issueTypes: z.array(createMetaIssueTypeSchema).optional(),
    values: z.array(createMetaIssueTypeSchema).optional(),
    startAt: z.number().int().optional(),
    maxResults: z.number().int().optional(),
    total: z.number().int().optional(),
  })
  .refine((page) => page.issueTypes !== undefined || page.values !== undefined, {
    error: 'the answer has no issueTypes list',
  });
const createMetaFieldSchema = z.object({
  fieldId: z.string().min(1),
  key: z.string().optional(),
  name: z.string(),
  required: z.boolean(),
  hasDefaultValue: z.boolean().optional(),
  operations: z.array(z.string()).optional(),
  allowedValues: z.array(z.unknown()).optional(),
  schema: z
    .object({ type: z.string().optional(), items: z.string().optional(), system: z.string().optional() })
    .loose()
    .optional(),
});
/** The spec names the list `fields` (and `results`); Server / Data Center answered `values`. */
const createMetaFieldsPageSchema = z
  .object({
    fields: z.array(createMetaFieldSchema).optional(),
    results: z.array(createMetaFieldSchema).optional(),
    values: z.array(createMetaFieldSchema).optional(),
    startAt: z.number().int().optional(),
    maxResults: z.number().int().optional(),
    total: z.number().int().optional(),
  })
  .refine((page) => page.fields !== undefined || page.results !== undefined || page.values !== undefined, {
    error: 'the answer has no fields list',
  });
/** An allowed value of a createmeta field (priority, component...): what the app reads of it. */
const allowedValueSchema = z.object({ id: z.string().min(1), name: z.string() }).loose();
const searchResultsSchema = z.object({
  issues: z.array(
    z.object({
      id: z.string().min(1),
      key: z.string().min(1),
      fields: z.record(z.string(), z.unknown()).optional(),
      properties: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});
export type JiraSearchIssue = z.output<typeof searchResultsSchema>['issues'][number];
const issueSchema = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  /** The issue's REST address on the site (`https://<site>/rest/api/3/issue/<id>`). */
  self: z.string().optional(),
  fields: z
    .object({
      status: z
        .object({
          id: z.string().min(1),
          name: z.string(),
          statusCategory: z.object({ key: z.string() }).loose().optional(),
        })
        .loose(),
      project: z.object({ id: z.string().min(1) }).loose(),
      issuetype: z.object({ id: z.string().min(1) }).loose(),
    })
    .loose(),
});
/** The fields getIssue always asks for, because its answer always carries them. */
const ISSUE_CORE_FIELDS = ['status', 'project', 'issuetype'] as const;

// ---------------------------------------------------------------------------------------------------

export interface JiraStatusWithCategory {
  id: string;
  name: string;
  /** 'new' (To Do), 'indeterminate' (In Progress), 'done', or null when Jira did not say. */
  categoryKey: string | null;
}

/** One issue as getIssue reads it: where it is (project, type) and its current status. */
/** `https://<site>/browse/<key>` from an issue's REST address, or null when it is not an https address. */
export function browseUrlOf(self: string | undefined, key: string): string | null {
  if (!self) return null;
  try {
    const url = new URL(self);
    return url.protocol === 'https:' ? `${url.origin}/browse/${encodeURIComponent(key)}` : null;
  } catch {
    return null;
  }
}

export interface JiraIssue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  status: JiraStatusWithCategory;
  /** Every field Jira returned, status, project and issuetype included, as Jira sent them. */
  fields: Record<string, unknown>;
  /** The issue's page on the site (`https://<site>/browse/<key>`), from Jira's `self`; null when Jira sent none. */
  browseUrl?: string | null;
}

export interface JiraGetIssueOptions {
  /** Fields to read besides status, project and issuetype (always read); their raw values land in `fields`. */
  fields?: readonly string[];
}

/** A priority of the Jira site. */
export interface JiraPriority {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface JiraIssueTypeStatuses {
  issueTypeId: string;
  issueTypeName: string;
  statuses: JiraStatusWithCategory[];
}

/** An issue type the actor may create in a project (createmeta). */
export interface JiraCreatableIssueType {
  id: string;
  name: string;
  subtask: boolean;
  description: string;
}

/** A field of the create screen of a project's issue type (createmeta). */
export interface JiraCreateField {
  fieldId: string;
  name: string;
  required: boolean;
  hasDefaultValue: boolean;
  /** The values Jira accepts (priorities, components...), each with its id and name; null when Jira lists none. */
  allowedValues: Array<{ id: string; name: string }> | null;
}

/** createmeta pages hold at most 200 items (the spec's maximum of maxResults). */
const CREATE_META_PAGE = 200;
/** Stops a paging loop on an answer that never ends. */
const CREATE_META_MAX_PAGES = 20;

export interface CreateJiraIssueInput {
  projectId: string;
  issueTypeId: string;
  summary: string;
  description: AdfDoc;
  priorityId?: string | null;
  labels?: readonly string[];
  componentIds?: readonly string[];
  /** Issue properties set in the same request (e.g. the Sentry link summary). */
  properties?: ReadonlyArray<{ key: string; value: unknown }>;
}

export type JiraPermissionScope = { projectId: string } | { issueId: string } | Record<string, never>;

export interface JiraSearchOptions {
  jql: string;
  fields?: readonly string[];
  properties?: readonly string[];
  /** Page size; Jira caps it (5,000 for ids only, fewer with fields). */
  maxResults?: number;
  nextPageToken?: string;
  /** GET puts the JQL in the URL; POST (the default) suits long queries. */
  method?: 'GET' | 'POST';
}

/** Sends one Jira request; the default goes through @forge/api. Tests and the sandbox may swap it. */
export type JiraSend = (
  actor: JiraActor,
  path: Route,
  init: OutgoingRequest,
  signal: AbortSignal,
) => Promise<ResponseLike>;

export interface JiraClientOptions {
  /** 'app' acts with the app's own permissions; 'user' with the invoking user's. */
  actor: JiraActor;
  http?: HttpOptions;
  send?: JiraSend;
}

function operationOf(method: string, path: Route): string {
  return `${method} ${path.value.split('?')[0] ?? path.value}`;
}

export class JiraClient {
  readonly actor: JiraActor;
  private readonly caller: RemoteCaller;
  private readonly send: JiraSend;

  constructor(options: JiraClientOptions) {
    this.actor = options.actor;
    this.caller = new RemoteCaller(jiraWording(options.actor), options.http);
    this.send = options.send ?? sendToJira;
  }

  private async request<T>(args: {
    method: OutgoingRequest['method'];
    path: Route;
    body?: unknown;
    schema: z.ZodType<T> | null;
    resource: string;
    permissions: readonly string[];
    idempotent?: boolean;
  }): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const body = args.body === undefined ? undefined : JSON.stringify(args.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const init: OutgoingRequest = { method: args.method, headers, ...(body !== undefined ? { body } : {}) };
    const { data } = await this.caller.call({
      operation: operationOf(args.method, args.path),
      send: (signal) => this.send(this.actor, args.path, init, signal),
      schema: args.schema,
      idempotent: args.idempotent ?? args.method !== 'POST',
      resource: args.resource,
      requiredScopes: args.permissions,
    });
    return data;
  }

  /** createIssue: a new issue with an ADF description. Not retried on 5xx (it might exist already). */
  async createIssue(input: CreateJiraIssueInput): Promise<{ id: string; key: string }> {
    const fields: Record<string, unknown> = {
      project: { id: input.projectId },
      issuetype: { id: input.issueTypeId },
      summary: input.summary,
      description: input.description,
    };
    if (input.priorityId) fields.priority = { id: input.priorityId };
    if (input.labels && input.labels.length > 0) fields.labels = [...input.labels];
    if (input.componentIds && input.componentIds.length > 0)
      fields.components = input.componentIds.map((id) => ({ id }));
    const body: Record<string, unknown> = { fields };
    if (input.properties && input.properties.length > 0) {
      body.properties = input.properties.map((p) => ({ key: p.key, value: p.value }));
    }
    return this.request({
      method: 'POST',
      path: route`/rest/api/3/issue`,
      body,
      schema: createdIssueSchema,
      resource: `project ${input.projectId} or issue type ${input.issueTypeId}`,
      permissions: ['Browse projects', 'Create issues'],
    });
  }

  /**
   * getIssue: the issue's project, type and status (and any other `fields` asked for), read directly
   * rather than through JQL, whose index can lag behind an issue created or moved moments ago.
   * Throws NotFoundError when the issue does not exist or the actor cannot browse it.
   */
  async getIssue(issueIdOrKey: string, options: JiraGetIssueOptions = {}): Promise<JiraIssue> {
    const fields = [...new Set([...ISSUE_CORE_FIELDS, ...(options.fields ?? [])])];
    const params = new URLSearchParams({ fields: fields.join(',') });
    const issue = await this.request({
      method: 'GET',
      path: route`/rest/api/3/issue/${issueIdOrKey}?${params}`,
      schema: issueSchema,
      resource: `issue ${issueIdOrKey}`,
      permissions: ['Browse projects'],
    });
    const { status, project, issuetype } = issue.fields;
    return {
      id: issue.id,
      key: issue.key,
      projectId: project.id,
      issueTypeId: issuetype.id,
      status: { id: status.id, name: status.name, categoryKey: status.statusCategory?.key ?? null },
      fields: issue.fields,
      browseUrl: browseUrlOf(issue.self, issue.key),
    };
  }

  /** getTransitions: the transitions available from the issue's current status. */
  async getTransitions(issueIdOrKey: string): Promise<JiraTransition[]> {
    const result = await this.request({
      method: 'GET',
      path: route`/rest/api/3/issue/${issueIdOrKey}/transitions?expand=${'transitions.fields'}`,
      schema: jiraTransitionsResponseSchema,
      resource: `issue ${issueIdOrKey}`,
      permissions: ['Browse projects'],
    });
    return result.transitions;
  }

  /** doTransition: moves the issue through one transition. */
  async transitionIssue(issueIdOrKey: string, transitionId: string): Promise<void> {
    await this.request({
      method: 'POST',
      path: route`/rest/api/3/issue/${issueIdOrKey}/transitions`,
      body: { transition: { id: transitionId } },
      schema: null,
      resource: `issue ${issueIdOrKey}`,
      permissions: ['Transition issues'],
      // Repeating the same transition fails harmlessly (it is no longer offered), never doubles it.
      idempotent: true,
    });
  }

  /** getIssueProperty: the property's value, or null when the issue has no such property. */
  async getIssueProperty<T = unknown>(
    issueIdOrKey: string,
    propertyKey: string,
    valueSchema?: z.ZodType<T>,
  ): Promise<T | null> {
    try {
      const property = await this.request({
        method: 'GET',
        path: route`/rest/api/3/issue/${issueIdOrKey}/properties/${propertyKey}`,
        schema: valueSchema ? propertySchema.extend({ value: valueSchema }) : propertySchema,
        resource: `property "${propertyKey}" of issue ${issueIdOrKey}`,
        permissions: ['Browse projects'],
      });
      return property.value as T;
    } catch (error) {
      // Jira answers 404 both for a missing property and a missing issue; the caller treats both as "none".
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** setIssueProperty: stores a JSON value (at most 32,768 characters) on the issue. */
  async setIssueProperty(issueIdOrKey: string, propertyKey: string, value: unknown): Promise<void> {
    const size = JSON.stringify(value).length;
    if (size > 32_768) {
      throw new Error(
        `The value of issue property "${propertyKey}" is ${size} characters; Jira accepts at most 32,768.`,
      );
    }
    await this.request({
      method: 'PUT',
      path: route`/rest/api/3/issue/${issueIdOrKey}/properties/${propertyKey}`,
      body: value,
      schema: null,
      resource: `issue ${issueIdOrKey}`,
      permissions: ['Edit issues'],
    });
  }

  /** addComment: an ADF comment. Not retried on 5xx (it might have been added). */
  async addComment(issueIdOrKey: string, body: AdfDoc): Promise<{ id: string }> {
    return this.request({
      method: 'POST',
      path: route`/rest/api/3/issue/${issueIdOrKey}/comment`,
      body: { body },
      schema: commentSchema,
      resource: `issue ${issueIdOrKey}`,
      permissions: ['Add comments'],
    });
  }

  /**
   * getComment: one comment of an issue (its ADF body, author's name and REST address). Throws
   * NotFoundError when the comment (or the issue) is gone or the actor cannot browse it.
   */
  async getComment(
    issueIdOrKey: string,
    commentId: string,
  ): Promise<{ id: string; body: unknown; authorName: string | null; self: string | null }> {
    const comment = await this.request({
      method: 'GET',
      path: route`/rest/api/3/issue/${issueIdOrKey}/comment/${commentId}`,
      schema: readCommentSchema,
      resource: `comment ${commentId} of issue ${issueIdOrKey}`,
      permissions: ['Browse projects'],
    });
    return {
      id: comment.id,
      body: comment.body,
      authorName: comment.author?.displayName ?? null,
      self: comment.self ?? null,
    };
  }

  /** getMyPermissions: which of the named permissions the actor has, globally or in a project / issue. */
  async getMyPermissions(
    permissions: readonly string[],
    scope: JiraPermissionScope = {},
  ): Promise<Record<string, boolean>> {
    if (permissions.length === 0) return {};
    const keys = permissions.join(',');
    let path: Route;
    if ('projectId' in scope && scope.projectId) {
      path = route`/rest/api/3/mypermissions?permissions=${keys}&projectId=${scope.projectId}`;
    } else if ('issueId' in scope && scope.issueId) {
      path = route`/rest/api/3/mypermissions?permissions=${keys}&issueId=${scope.issueId}`;
    } else {
      path = route`/rest/api/3/mypermissions?permissions=${keys}`;
    }
    const result = await this.request({
      method: 'GET',
      path,
      schema: permissionsSchema,
      resource: 'project or issue',
      permissions: [],
    });
    return Object.fromEntries(
      permissions.map((key) => [key, result.permissions[key]?.havePermission === true]),
    );
  }

  /**
   * getCreateIssueMetaIssueTypes: the issue types the actor may create in the project (needs Create
   * issues there), every page read.
   */
  async getCreatableIssueTypes(projectIdOrKey: string): Promise<JiraCreatableIssueType[]> {
    const types: JiraCreatableIssueType[] = [];
    for (let page = 0, startAt = 0; page < CREATE_META_MAX_PAGES; page++) {
      const params = new URLSearchParams({ startAt: String(startAt), maxResults: String(CREATE_META_PAGE) });
      const answer = await this.request({
        method: 'GET',
        path: route`/rest/api/3/issue/createmeta/${projectIdOrKey}/issuetypes?${params}`,
        schema: createMetaIssueTypesPageSchema,
        resource: `project ${projectIdOrKey}`,
        permissions: ['Browse projects', 'Create issues'],
      });
      const items = answer.issueTypes ?? answer.values ?? [];
      types.push(
        ...items.map((type) => ({
          id: type.id,
          name: type.name,
          subtask: type.subtask ?? false,
          description: type.description ?? '',
        })),
      );
      startAt += items.length;
      if (items.length === 0 || answer.total === undefined || startAt >= answer.total) break;
    }
    return types;
  }

  /**
   * getCreateIssueMetaIssueTypeId: the fields of the create screen of one issue type in the project,
   * with their allowed values (priorities, components), every page read.
   */
  async getCreateFields(projectIdOrKey: string, issueTypeId: string): Promise<JiraCreateField[]> {
    const fields: JiraCreateField[] = [];
    for (let page = 0, startAt = 0; page < CREATE_META_MAX_PAGES; page++) {
      const params = new URLSearchParams({ startAt: String(startAt), maxResults: String(CREATE_META_PAGE) });
      const answer = await this.request({
        method: 'GET',
        path: route`/rest/api/3/issue/createmeta/${projectIdOrKey}/issuetypes/${issueTypeId}?${params}`,
        schema: createMetaFieldsPageSchema,
        resource: `issue type ${issueTypeId} of project ${projectIdOrKey}`,
        permissions: ['Browse projects', 'Create issues'],
      });
      const items = answer.fields ?? answer.results ?? answer.values ?? [];
      fields.push(
        ...items.map((field) => {
          const allowed = field.allowedValues?.flatMap((value) => {
            const parsed = allowedValueSchema.safeParse(value);
            return parsed.success ? [{ id: parsed.data.id, name: parsed.data.name }] : [];
          });
          return {
            fieldId: field.fieldId,
            name: field.name,
            required: field.required,
            hasDefaultValue: field.hasDefaultValue ?? false,
            allowedValues: allowed ?? null,
          };
        }),
      );
      startAt += items.length;
      if (items.length === 0 || answer.total === undefined || startAt >= answer.total) break;
    }
    return fields;
  }

  /** searchProjects: one page of the projects the actor can browse. */
  async searchProjects(
    options: { query?: string; startAt?: number; maxResults?: number; ids?: readonly string[] } = {},
  ): Promise<{ items: JiraProject[]; isLast: boolean; nextStartAt: number | null; total: number | null }> {
    const params = new URLSearchParams({
      startAt: String(options.startAt ?? 0),
      maxResults: String(Math.min(options.maxResults ?? 50, 100)),
      orderBy: 'name',
    });
    if (options.query) params.set('query', options.query);
    // Only these projects (Jira takes up to 50 ids); ones the actor cannot browse are left out.
    for (const id of options.ids ?? []) params.append('id', id);
    const page = await this.request({
      method: 'GET',
      path: route`/rest/api/3/project/search?${params}`,
      schema: projectPageSchema,
      resource: 'projects',
      permissions: ['Browse projects'],
    });
    const isLast = page.isLast ?? page.startAt + page.values.length >= (page.total ?? 0);
    return {
      items: page.values,
      isLast,
      nextStartAt: isLast ? null : page.startAt + page.values.length,
      total: page.total ?? null,
    };
  }

  /**
   * getPriorities (`/rest/api/3/priority`): every priority of the site, in Jira's order (highest first),
   * with the default marked. Deprecated in the v3 spec in favour of /priority/search, which needs the
   * manage:jira-configuration scope this app does not ask for; this one needs only read:jira-work.
   */
  async getPriorities(): Promise<JiraPriority[]> {
    const priorities = await this.request({
      method: 'GET',
      path: route`/rest/api/3/priority`,
      schema: z.array(
        z
          .object({ id: z.string().min(1), name: z.string().min(1), isDefault: z.boolean().optional() })
          .loose(),
      ),
      resource: 'priorities',
      permissions: [],
    });
    return priorities.map((priority) => ({
      id: priority.id,
      name: priority.name,
      isDefault: priority.isDefault === true,
    }));
  }

  /** getStatusCategories: every status category (To Do, In Progress, Done...). */
  async getStatusCategories(): Promise<JiraStatusCategory[]> {
    return this.request({
      method: 'GET',
      path: route`/rest/api/3/statuscategory`,
      schema: z.array(statusCategorySchema),
      resource: 'status categories',
      permissions: [],
    });
  }

  /** getStatuses (`/rest/api/3/status`): every status of active workflows, with its category (Browse projects). */
  async getStatuses(): Promise<JiraStatusWithCategory[]> {
    const statuses = await this.request({
      method: 'GET',
      path: route`/rest/api/3/status`,
      schema: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          statusCategory: z.object({ key: z.string() }).optional(),
        }),
      ),
      resource: 'statuses',
      permissions: ['Browse projects'],
    });
    return statuses.map((status) => ({
      id: status.id,
      name: status.name,
      categoryKey: status.statusCategory?.key ?? null,
    }));
  }

  /**
   * getAllStatuses (project statuses): the statuses of each issue type of the project, with
   * categories. Jira may leave a status's category out of this answer; those are filled from
   * getStatuses, which needs only Browse projects (statuses/search would need the manage:jira-configuration scope).
   */
  async getProjectStatuses(projectIdOrKey: string): Promise<JiraIssueTypeStatuses[]> {
    const issueTypes = await this.request({
      method: 'GET',
      path: route`/rest/api/3/project/${projectIdOrKey}/statuses`,
      schema: projectStatusesSchema,
      resource: `project ${projectIdOrKey}`,
      permissions: ['Browse projects'],
    });
    const result = issueTypes.map((type) => ({
      issueTypeId: type.id,
      issueTypeName: type.name,
      statuses: type.statuses.map((status) => ({
        id: status.id,
        name: status.name,
        categoryKey: status.statusCategory?.key ?? null,
      })),
    }));
    if (result.every((type) => type.statuses.every((status) => status.categoryKey !== null))) return result;

    const categories = new Map((await this.getStatuses()).map((status) => [status.id, status.categoryKey]));
    for (const type of result) {
      for (const status of type.statuses) status.categoryKey ??= categories.get(status.id) ?? null;
    }
    return result;
  }

  /**
   * searchAndReconsileIssuesUsingJql (`/rest/api/3/search/jql`): one page of issues, with the
   * token of the next page (null on the last). The old `/rest/api/3/search` is being removed.
   */
  async searchJql(
    options: JiraSearchOptions,
  ): Promise<{ issues: JiraSearchIssue[]; nextPageToken: string | null }> {
    const fields = options.fields ?? ['id'];
    const maxResults = options.maxResults ?? 100;
    let result: z.output<typeof searchResultsSchema>;
    if (options.method === 'GET') {
      const params = new URLSearchParams({ jql: options.jql, maxResults: String(maxResults) });
      for (const field of fields) params.append('fields', field);
      for (const property of options.properties ?? []) params.append('properties', property);
      if (options.nextPageToken) params.set('nextPageToken', options.nextPageToken);
      result = await this.request({
        method: 'GET',
        path: route`/rest/api/3/search/jql?${params}`,
        schema: searchResultsSchema,
        resource: 'issues',
        permissions: ['Browse projects'],
      });
    } else {
      const body: Record<string, unknown> = { jql: options.jql, maxResults, fields: [...fields] };
      if (options.properties && options.properties.length > 0) body.properties = [...options.properties];
      if (options.nextPageToken) body.nextPageToken = options.nextPageToken;
      result = await this.request({
        method: 'POST',
        path: route`/rest/api/3/search/jql`,
        body,
        schema: searchResultsSchema,
        resource: 'issues',
        permissions: ['Browse projects'],
        idempotent: true, // a search changes nothing
      });
    }
    const nextPageToken = result.isLast === true ? null : (result.nextPageToken ?? null);
    return { issues: result.issues, nextPageToken };
  }
}

export function jiraAsApp(options: Omit<JiraClientOptions, 'actor'> = {}): JiraClient {
  return new JiraClient({ ...options, actor: 'app' });
}

export function jiraAsUser(options: Omit<JiraClientOptions, 'actor'> = {}): JiraClient {
  return new JiraClient({ ...options, actor: 'user' });
}
