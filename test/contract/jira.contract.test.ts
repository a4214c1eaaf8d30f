// Every request the Jira client makes goes through the real @forge/api requestJira into the local
// Forge runtime, whose Jira handler records it and answers with the spec's examples; each request is
// checked against reference/jira/openapi.trimmed.json.
import { createTestRuntime, type JiraRequest, type LocalForgeRuntime } from '../../sandbox/runtime';
import { doc, paragraph } from '../../src/domain/adf';
import { MalformedResponseError, NotFoundError, PermissionError } from '../../src/clients/http';
import { JiraClient } from '../../src/clients/jira';
import { jsonResponse, OpenApiContract, readReference, type RecordedRequest } from './spec-contract';

const contract = new OpenApiContract('jira', readReference('jira/openapi.trimmed.json'));

let recorded: Array<RecordedRequest & { provider: string }>;
let override: ((request: JiraRequest) => Response | undefined) | undefined;
let runtime: LocalForgeRuntime;

beforeEach(() => {
  recorded = [];
  override = undefined;
  runtime = createTestRuntime({
    jira: async (request) => {
      recorded.push({
        provider: request.provider,
        method: request.method,
        target: request.path,
        headers: request.headers,
        body: request.body || undefined,
      });
      const custom = override?.(request);
      if (custom) return custom;
      const matched = contract.match(request.method, new URL(request.path, 'https://x.invalid').pathname);
      if (!matched) return jsonResponse(404, { errorMessages: ['No such route'], errors: {} });
      const example = contract.exampleResponse(matched.method, matched.template);
      if (!example) return new Response(null, { status: 204 });
      return jsonResponse(example.status, example.body);
    },
  });
});

const asApp = (): JiraClient => new JiraClient({ actor: 'app' });
const asUser = (): JiraClient => new JiraClient({ actor: 'user' });
/** asUser calls need an invoking user, as in a resolver invocation. */
const asInvokingUser = <T>(fn: () => Promise<T>): Promise<T> =>
  runtime.runInvocation({ functionKey: 'admin-fn', accountId: '5b10a2844c20165700ede21g' }, fn);

function expectConforming(): string[] {
  expect(recorded.length).toBeGreaterThan(0);
  return recorded.map((request) => {
    const { operationId, problems } = contract.check(request);
    expect({ request: `${request.method} ${request.target}`, problems }).toEqual({
      request: `${request.method} ${request.target}`,
      problems: [],
    });
    return operationId ?? '';
  });
}

const body = (i = 0): unknown => JSON.parse(recorded[i]?.body ?? 'null');
const params = (i = 0): URLSearchParams =>
  new URL(recorded[i]?.target ?? '/', 'https://x.invalid').searchParams;
const description = doc([paragraph('Order entry fails when selecting supplier.')]);

describe('Jira client against the OpenAPI spec', () => {
  it("the spec's own request examples pass the checker (the checker is not too strict)", () => {
    const cases: Array<[string, string, string]> = [
      ['POST', '/rest/api/3/issue', 'createIssue__request.json'],
      ['POST', '/rest/api/3/issue/10010/comment', 'addComment__request.json'],
      ['POST', '/rest/api/3/issue/10010/transitions', 'doTransition__request.json'],
    ];
    for (const [method, target, file] of cases) {
      const example = JSON.stringify(readReference(`jira/api-examples/${file}`));
      const result = contract.check({
        method,
        target,
        headers: { 'content-type': 'application/json' },
        body: example,
      });
      expect({ file, problems: result.problems }).toEqual({ file, problems: [] });
    }
  });

  it('createIssue -> createIssue with an ADF description, as the app', async () => {
    const created = await asApp().createIssue({
      projectId: '10000',
      issueTypeId: '10001',
      summary: 'TypeError in checkout',
      description,
      priorityId: '2',
      labels: ['sentry', 'backend'],
      componentIds: ['10100'],
      properties: [{ key: 'productHealthSentry', value: { linkedCount: 1 } }],
    });
    expect(expectConforming()).toEqual(['createIssue']);
    expect(recorded[0]?.provider).toBe('app');
    expect(body()).toMatchObject({
      fields: {
        project: { id: '10000' },
        issuetype: { id: '10001' },
        description: { type: 'doc', version: 1 },
        components: [{ id: '10100' }],
      },
      properties: [{ key: 'productHealthSentry', value: { linkedCount: 1 } }],
    });
    expect(created).toEqual({ id: '10000', key: 'ED-24' });
  });

  it('getIssue -> getIssue, asking for status, project and issue type besides the fields named', async () => {
    // The spec's example carries neither status nor issue type, so the answer is written here and
    // checked against the documented response schema first.
    const answer = {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: '10010',
      key: 'ED-24',
      self: 'https://your-domain.atlassian.net/rest/api/3/issue/10010',
      fields: {
        summary: 'TypeError in checkout',
        status: {
          self: 'https://your-domain.atlassian.net/rest/api/3/status/10002',
          id: '10002',
          name: 'Done',
          statusCategory: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
        },
        project: { id: '10000', key: 'ED', name: 'Edison' },
        issuetype: { id: '10004', name: 'Bug', subtask: false },
      },
    };
    expect(contract.checkResponse('GET', '/rest/api/3/issue/{issueIdOrKey}', 200, answer)).toEqual([]);
    override = (request) =>
      new URL(request.path, 'https://x.invalid').pathname === '/rest/api/3/issue/ED-24'
        ? jsonResponse(200, answer)
        : undefined;

    const issue = await asInvokingUser(() => asUser().getIssue('ED-24', { fields: ['summary', 'status'] }));
    expect(expectConforming()).toEqual(['getIssue']);
    expect(recorded[0]?.provider).toBe('user');
    expect(params().getAll('fields')).toEqual(['status,project,issuetype,summary']);
    expect(issue).toEqual({
      id: '10010',
      key: 'ED-24',
      projectId: '10000',
      issueTypeId: '10004',
      status: { id: '10002', name: 'Done', categoryKey: 'done' },
      fields: answer.fields,
      // The issue's page, from the spec example's `self` (https://your-domain.atlassian.net/rest/api/3/issue/...).
      browseUrl: 'https://your-domain.atlassian.net/browse/ED-24',
    });
  });

  it("getIssue refuses an answer without a status (as the spec's own example), and names a missing issue", async () => {
    const refused = await asApp()
      .getIssue('ED-1')
      .catch((e: unknown) => e);
    expect(expectConforming()).toEqual(['getIssue']);
    expect(refused).toBeInstanceOf(MalformedResponseError);
    expect((refused as Error).message).toContain('fields.status');

    override = () =>
      jsonResponse(404, {
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
    const missing = await asApp()
      .getIssue('10999')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('issue 10999');
  });

  it('getTransitions -> getTransitions, as the user', async () => {
    const transitions = await asInvokingUser(() => asUser().getTransitions('ED-24'));
    expect(expectConforming()).toEqual(['getTransitions']);
    expect(recorded[0]?.provider).toBe('user');
    expect(transitions[0]).toMatchObject({ id: '2', name: 'Close Issue', to: { id: '10000' } });
  });

  it('transitionIssue -> doTransition', async () => {
    await asApp().transitionIssue('10010', '5');
    expect(expectConforming()).toEqual(['doTransition']);
    expect(body()).toEqual({ transition: { id: '5' } });
  });

  it('getIssueProperty / setIssueProperty -> getIssueProperty / setIssueProperty', async () => {
    const value = await asApp().getIssueProperty('10010', 'issue.support');
    await asApp().setIssueProperty('10010', 'productHealthSentry', { linkedCount: 2, worstLevel: 'error' });
    expect(expectConforming()).toEqual(['getIssueProperty', 'setIssueProperty']);
    expect(value).toEqual({
      'system.conversation.id': 'b1bf38be-5e94-4b40-a3b8-9278735ee1e6',
      'system.support.time': '1m',
    });
    expect(body(1)).toEqual({ linkedCount: 2, worstLevel: 'error' });
  });

  it('getIssueProperty gives null for a missing property', async () => {
    override = () => jsonResponse(404, { errorMessages: ['The property was not found.'], errors: {} });
    await expect(asApp().getIssueProperty('10010', 'productHealthSentry')).resolves.toBeNull();
  });

  it('refuses an issue property value Jira would reject for size', async () => {
    await expect(asApp().setIssueProperty('10010', 'big', { text: 'x'.repeat(33_000) })).rejects.toThrow(
      /32,768/,
    );
    expect(recorded).toHaveLength(0);
  });

  it('addComment -> addComment with an ADF body', async () => {
    const comment = await asApp().addComment('10010', description);
    expect(expectConforming()).toEqual(['addComment']);
    expect(body()).toEqual({ body: description });
    expect(comment.id).toBe('10000');
  });

  it('getMyPermissions -> getMyPermissions, globally and for a project or an issue', async () => {
    const global = await asInvokingUser(() => asUser().getMyPermissions(['ADMINISTER']));
    await asInvokingUser(() =>
      asUser().getMyPermissions(['ADMINISTER_PROJECTS', 'EDIT_ISSUES'], { projectId: '10000' }),
    );
    await asInvokingUser(() => asUser().getMyPermissions(['EDIT_ISSUES'], { issueId: '10010' }));
    expect(expectConforming()).toEqual(['getMyPermissions', 'getMyPermissions', 'getMyPermissions']);
    expect(params(1).get('permissions')).toBe('ADMINISTER_PROJECTS,EDIT_ISSUES');
    expect(params(1).get('projectId')).toBe('10000');
    expect(params(2).get('issueId')).toBe('10010');
    expect(global).toEqual({ ADMINISTER: false });
    const scoped = await asInvokingUser(() => asUser().getMyPermissions(['EDIT_ISSUES']));
    expect(scoped).toEqual({ EDIT_ISSUES: true });
  });

  it('searchProjects -> searchProjects', async () => {
    const page = await asApp().searchProjects({ query: 'ex', maxResults: 2 });
    expect(expectConforming()).toEqual(['searchProjects']);
    expect(page.items[0]).toMatchObject({ id: '10000', key: 'EX' });
    expect(page.isLast).toBe(false);
    expect(page.nextStartAt).toBe(2);
  });

  it('searchProjects with ids -> searchProjects with the id parameter repeated', async () => {
    await asApp().searchProjects({ ids: ['10000', '10001'] });
    expect(expectConforming()).toEqual(['searchProjects']);
    expect(params(0).getAll('id')).toEqual(['10000', '10001']);
  });

  it('getProjectStatuses -> getAllStatuses, filling missing categories from getStatuses', async () => {
    const types = await asApp().getProjectStatuses('10000');
    // The spec's example for project statuses carries no categories; getStatuses' example does.
    expect(expectConforming()).toEqual(['getAllStatuses', 'getStatuses']);
    expect(types[0]?.statuses).toEqual([
      { id: '10000', name: 'In Progress', categoryKey: 'in-flight' },
      { id: '5', name: 'Closed', categoryKey: 'completed' },
    ]);
  });

  it('does not call getStatuses when the project statuses carry their categories', async () => {
    override = (request) =>
      request.path.endsWith('/statuses')
        ? jsonResponse(200, [
            {
              id: '3',
              name: 'Task',
              subtask: false,
              statuses: [{ id: '6', name: "Won't Do", statusCategory: { key: 'done' } }],
            },
          ])
        : undefined;
    const types = await asApp().getProjectStatuses('10000');
    expect(expectConforming()).toEqual(['getAllStatuses']);
    expect(types[0]?.statuses[0]?.categoryKey).toBe('done');
  });

  it('getCreatableIssueTypes -> getCreateIssueMetaIssueTypes, as the user, every page', async () => {
    const types = await asInvokingUser(() => asUser().getCreatableIssueTypes('10000'));
    expect(expectConforming()).toEqual(['getCreateIssueMetaIssueTypes']);
    expect(recorded[0]?.provider).toBe('user');
    expect(params().get('maxResults')).toBe('200');
    expect(types).toEqual([{ id: '1', name: 'Bug', subtask: false, description: 'An error in the code' }]);

    // Two pages: the second starts where the first ended.
    recorded = [];
    const page = (startAt: number, ids: string[]) => ({
      issueTypes: ids.map((id) => ({ id, name: `Type ${id}`, subtask: id === '3' })),
      maxResults: 2,
      startAt,
      total: 3,
    });
    for (const answer of [page(0, ['1', '2']), page(2, ['3'])]) {
      expect(
        contract.checkResponse(
          'GET',
          '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes',
          200,
          answer,
        ),
      ).toEqual([]);
    }
    override = (request) =>
      jsonResponse(
        200,
        new URL(request.path, 'https://x.invalid').searchParams.get('startAt') === '0'
          ? page(0, ['1', '2'])
          : page(2, ['3']),
      );
    const all = await asApp().getCreatableIssueTypes('EX');
    expect(expectConforming()).toEqual(['getCreateIssueMetaIssueTypes', 'getCreateIssueMetaIssueTypes']);
    expect(params(1).get('startAt')).toBe('2');
    expect(all.map((type) => [type.id, type.subtask])).toEqual([
      ['1', false],
      ['2', false],
      ['3', true],
    ]);
  });

  it('getCreateFields -> getCreateIssueMetaIssueTypeId, with the allowed values of each field', async () => {
    const example = await asApp().getCreateFields('10000', '10004');
    expect(expectConforming()).toEqual(['getCreateIssueMetaIssueTypeId']);
    expect(recorded[0]?.target).toContain('/rest/api/3/issue/createmeta/10000/issuetypes/10004?');
    expect(example).toEqual([
      { fieldId: 'assignee', name: 'Assignee', required: true, hasDefaultValue: false, allowedValues: null },
    ]);

    const answer = {
      fields: [
        {
          fieldId: 'priority',
          key: 'priority',
          name: 'Priority',
          required: false,
          hasDefaultValue: true,
          operations: ['set'],
          schema: { type: 'priority', system: 'priority' },
          allowedValues: [
            { self: 'https://your-domain.atlassian.net/rest/api/3/priority/1', id: '1', name: 'Highest' },
            { self: 'https://your-domain.atlassian.net/rest/api/3/priority/3', id: '3', name: 'Medium' },
          ],
        },
      ],
      maxResults: 200,
      startAt: 0,
      total: 1,
    };
    expect(
      contract.checkResponse(
        'GET',
        '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}',
        200,
        answer,
      ),
    ).toEqual([]);
    override = () => jsonResponse(200, answer);
    const fields = await asApp().getCreateFields('10000', '10004');
    expect(fields[0]?.allowedValues).toEqual([
      { id: '1', name: 'Highest' },
      { id: '3', name: 'Medium' },
    ]);
  });

  it('getStatusCategories -> getStatusCategories', async () => {
    const categories = await asApp().getStatusCategories();
    expect(expectConforming()).toEqual(['getStatusCategories']);
    expect(categories.map((c) => c.key)).toEqual(['in-flight', 'completed']);
  });

  it('searchJql (POST and GET) -> searchAndReconsileIssuesUsingJql[Post] with nextPageToken', async () => {
    const post = await asApp().searchJql({
      jql: 'issue.property[productHealthSentry].linkedCount > 0',
      fields: ['summary', 'status'],
      properties: ['productHealthSentry'],
      maxResults: 50,
      nextPageToken: 'token-1',
    });
    const get = await asApp().searchJql({
      jql: 'project = EX',
      method: 'GET',
      nextPageToken: 'token-2',
      fields: ['id'],
    });
    expect(expectConforming()).toEqual([
      'searchAndReconsileIssuesUsingJqlPost',
      'searchAndReconsileIssuesUsingJql',
    ]);
    expect(body(0)).toEqual({
      jql: 'issue.property[productHealthSentry].linkedCount > 0',
      maxResults: 50,
      fields: ['summary', 'status'],
      properties: ['productHealthSentry'],
      nextPageToken: 'token-1',
    });
    expect(params(1).get('nextPageToken')).toBe('token-2');
    expect(post.issues[0]).toMatchObject({ id: '10002', key: 'ED-1' });
    expect(get.nextPageToken).toBeNull(); // the example is the last page
  });

  it('never uses the retired /rest/api/3/search', async () => {
    await asApp().searchJql({ jql: 'project = EX' });
    expect(recorded.every((r) => !/\/rest\/api\/3\/search(\?|$)/.test(r.target))).toBe(true);
  });

  it('turns 403 and 404 into errors naming the permission or the issue', async () => {
    override = () =>
      jsonResponse(403, {
        errorMessages: ['You do not have permission to create issues in this project.'],
        errors: {},
      });
    const denied = await asInvokingUser(() =>
      asUser().createIssue({ projectId: '1', issueTypeId: '2', summary: 's', description }),
    ).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionError);
    expect((denied as Error).message).toContain('Create issues');
    expect(recorded).toHaveLength(1); // a POST is not retried
    override = () =>
      jsonResponse(404, {
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
    const missing = await asApp()
      .getTransitions('NOPE-1')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('issue NOPE-1');
  });
});
