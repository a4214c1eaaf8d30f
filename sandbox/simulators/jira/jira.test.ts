import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateComponent, validateResponse } from '../testing/spec-validation';
import { DEFAULT_MANIFEST_PATH } from './manifest-aliases';
import { type ChangeOrigin, JIRA_DEMO_USERS, type JiraIssueEvent, JiraSimulator } from './index';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const SPEC = 'jira/openapi.trimmed.json' as const;
type Json = Record<string, unknown>;
type Who = { provider: 'app' | 'user' | 'none'; accountId: string | null };

const APP: Who = { provider: 'app', accountId: null };
const asUser = (accountId: string): Who => ({ provider: 'user', accountId });

function simulator(): JiraSimulator {
  return new JiraSimulator({ now: () => NOW });
}

async function call(
  sim: JiraSimulator,
  method: string,
  path: string,
  body?: unknown,
  who: Who = APP,
): Promise<{ status: number; body: unknown }> {
  const response = await sim.handle({
    ...who,
    method,
    path,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

const doc = (text: string): Json => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

async function transitionTo(sim: JiraSimulator, key: string, name: string, who: Who = APP): Promise<number> {
  const list = await call(sim, 'GET', `/rest/api/3/issue/${key}/transitions`, undefined, who);
  const transition = (
    list.body as { transitions: Array<{ id: string; to: { name: string } }> }
  ).transitions.find((t) => t.to.name === name);
  if (!transition) throw new Error(`${key} has no transition to ${name}`);
  return (
    await call(
      sim,
      'POST',
      `/rest/api/3/issue/${key}/transitions`,
      { transition: { id: transition.id } },
      who,
    )
  ).status;
}

async function search(
  sim: JiraSimulator,
  jql: string,
  who: Who = APP,
): Promise<{ status: number; keys: string[]; body: Json }> {
  const r = await call(
    sim,
    'POST',
    '/rest/api/3/search/jql',
    { jql, fields: ['summary'], maxResults: 100 },
    who,
  );
  const body = r.body as Json;
  return {
    status: r.status,
    body,
    keys: r.status === 200 ? (body.issues as Json[]).map((i) => String(i.key)).sort() : [],
  };
}

describe('Jira simulator: answers match the OpenAPI response schemas', () => {
  const sim = simulator();

  it('creates an issue with an ADF description', async () => {
    const r = await call(sim, 'POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'SHOP' },
        issuetype: { name: 'Bug' },
        summary: 'TypeError in OrderList',
        description: doc('Seen 7,421 times in Sentry.'),
        labels: ['sentry'],
      },
    });
    expect(r.status).toBe(201);
    expect(validateResponse(SPEC, 'post', '/rest/api/3/issue', 201, r.body)).toEqual([]);
    const created = sim.issue(String((r.body as Json).key));
    expect(created).toMatchObject({
      projectKey: 'SHOP',
      status: 'To Do',
      issueType: 'Bug',
      labels: ['sentry'],
    });
  });

  it('gets an issue as an IssueBean, with the requested fields and properties', async () => {
    const r = await call(
      sim,
      'GET',
      '/rest/api/3/issue/SHOP-1?fields=summary,status,resolution&properties=productHealthSentry',
    );
    expect(validateComponent(SPEC, 'IssueBean', r.body)).toEqual([]);
    const issue = r.body as { fields: Json; properties: Json };
    expect(Object.keys(issue.fields).sort()).toEqual(['resolution', 'status', 'summary']);
    expect(issue.properties.productHealthSentry).toMatchObject({ events14d: 7421, status: 'unresolved' });
  });

  it('answers getIssue by id and by key as the spec documents, and 404 for an issue it does not have', async () => {
    const { id } = sim.issue('SHOP-2');
    const byId = await call(sim, 'GET', `/rest/api/3/issue/${id}?fields=status,project,issuetype`);
    const byKey = await call(
      sim,
      'GET',
      '/rest/api/3/issue/shop-2?fields=status&fields=project&fields=issuetype',
    );
    for (const r of [byId, byKey]) {
      expect(r.status).toBe(200);
      expect(validateResponse(SPEC, 'get', '/rest/api/3/issue/{issueIdOrKey}', 200, r.body)).toEqual([]);
      expect(r.body).toMatchObject({
        id,
        key: 'SHOP-2',
        fields: {
          status: {
            name: sim.issue('SHOP-2').status,
            statusCategory: { key: sim.issue('SHOP-2').statusCategory },
          },
          project: { key: 'SHOP' },
          issuetype: { name: sim.issue('SHOP-2').issueType },
        },
      });
      expect(Object.keys((r.body as { fields: Json }).fields).sort()).toEqual([
        'issuetype',
        'project',
        'status',
      ]);
    }
    const missing = await call(sim, 'GET', '/rest/api/3/issue/SHOP-999');
    expect(missing.status).toBe(404);
    // The spec documents no body for 404; Jira answers with its usual ErrorCollection.
    expect(validateComponent(SPEC, 'ErrorCollection', missing.body)).toEqual([]);
    expect(missing.body).toMatchObject({ errorMessages: [expect.stringContaining('does not exist')] });
  });

  it('lists transitions and performs one', async () => {
    const list = await call(sim, 'GET', '/rest/api/3/issue/SHOP-1/transitions');
    expect(
      validateResponse(SPEC, 'get', '/rest/api/3/issue/{issueIdOrKey}/transitions', 200, list.body),
    ).toEqual([]);
    expect(await transitionTo(sim, 'SHOP-1', 'In Review')).toBe(204);
    expect(sim.issue('SHOP-1').status).toBe('In Review');
  });

  it('gets, sets and deletes issue properties', async () => {
    expect(
      (
        await call(sim, 'PUT', '/rest/api/3/issue/PAY-1/properties/productHealthSentry', {
          linkedCount: 2,
          events14d: 70,
        })
      ).status,
    ).toBe(200);
    expect((await call(sim, 'PUT', '/rest/api/3/issue/PAY-1/properties/other', { a: 1 })).status).toBe(201);
    const r = await call(sim, 'GET', '/rest/api/3/issue/PAY-1/properties/productHealthSentry');
    expect(
      validateResponse(SPEC, 'get', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', 200, r.body),
    ).toEqual([]);
    expect(r.body).toEqual({ key: 'productHealthSentry', value: { linkedCount: 2, events14d: 70 } });
    expect((await call(sim, 'DELETE', '/rest/api/3/issue/PAY-1/properties/other')).status).toBe(204);
    const missing = await call(sim, 'GET', '/rest/api/3/issue/PAY-1/properties/other');
    expect(missing.status).toBe(404);
    expect(validateComponent(SPEC, 'ErrorCollection', missing.body)).toEqual([]);
  });

  it('adds an ADF comment', async () => {
    const r = await call(sim, 'POST', '/rest/api/3/issue/SHOP-2/comment', {
      body: doc('Resolved in Sentry by the app.'),
    });
    expect(r.status).toBe(201);
    expect(validateResponse(SPEC, 'post', '/rest/api/3/issue/{issueIdOrKey}/comment', 201, r.body)).toEqual(
      [],
    );
    expect(sim.issue('SHOP-2').comments).toHaveLength(1);
  });

  it('answers my permissions', async () => {
    const r = await call(
      sim,
      'GET',
      '/rest/api/3/mypermissions?permissions=ADMINISTER_PROJECTS,BROWSE_PROJECTS&projectKey=SHOP',
      undefined,
      asUser(JIRA_DEMO_USERS.developer),
    );
    expect(validateResponse(SPEC, 'get', '/rest/api/3/mypermissions', 200, r.body)).toEqual([]);
  });

  it("answers createmeta: the issue types a caller may create, and each one's create fields", async () => {
    const types = await call(
      sim,
      'GET',
      '/rest/api/3/issue/createmeta/SHOP/issuetypes?maxResults=1',
      undefined,
      asUser(JIRA_DEMO_USERS.developer),
    );
    expect(
      validateResponse(
        SPEC,
        'get',
        '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes',
        200,
        types.body,
      ),
    ).toEqual([]);
    expect(types.body).toMatchObject({ startAt: 0, maxResults: 1, total: 2, issueTypes: [{ name: 'Task' }] });

    const fields = await call(sim, 'GET', '/rest/api/3/issue/createmeta/SHOP/issuetypes/10004');
    expect(
      validateResponse(
        SPEC,
        'get',
        '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}',
        200,
        fields.body,
      ),
    ).toEqual([]);
    const list = (fields.body as { fields: Array<{ fieldId: string; allowedValues?: Json[] }> }).fields;
    expect(list.map((field) => field.fieldId)).toEqual(
      expect.arrayContaining(['summary', 'issuetype', 'project', 'priority', 'labels']),
    );
    expect(list.find((field) => field.fieldId === 'priority')?.allowedValues?.map((p) => p.name)).toEqual([
      'Highest',
      'High',
      'Medium',
      'Low',
      'Lowest',
    ]);
  });

  it('createmeta lists nothing to a viewer, refuses a hidden project and an issue type the project lacks', async () => {
    const viewer = await call(
      sim,
      'GET',
      '/rest/api/3/issue/createmeta/SHOP/issuetypes',
      undefined,
      asUser(JIRA_DEMO_USERS.viewer),
    );
    expect(viewer.body).toMatchObject({ total: 0, issueTypes: [] });
    const hidden = await call(
      sim,
      'GET',
      '/rest/api/3/issue/createmeta/OPS/issuetypes',
      undefined,
      asUser(JIRA_DEMO_USERS.developer),
    );
    expect(hidden.status).toBe(404);
    expect((await call(sim, 'GET', '/rest/api/3/issue/createmeta/SHOP/issuetypes/999')).status).toBe(404);
    expect(
      (await call(sim, 'GET', '/rest/api/3/issue/createmeta/SHOP/issuetypes?maxResults=201')).status,
    ).toBe(400);
  });

  it('searches projects, paged', async () => {
    const first = await call(
      sim,
      'GET',
      '/rest/api/3/project/search?maxResults=2&expand=lead,issueTypes,insight',
    );
    expect(validateResponse(SPEC, 'get', '/rest/api/3/project/search', 200, first.body)).toEqual([]);
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false });
    const next = String((first.body as Json).nextPage);
    const second = await call(sim, 'GET', new URL(next).pathname + new URL(next).search);
    expect(second.body).toMatchObject({ startAt: 2, isLast: true });
    const keys = [
      ...((first.body as Json).values as Json[]),
      ...((second.body as Json).values as Json[]),
    ].map((p) => p.key);
    expect(keys).toEqual(['OPS', 'PAY', 'SHOP']);
  });

  it("gives a project's statuses with their categories, and the global status lists", async () => {
    const statuses = await call(sim, 'GET', '/rest/api/3/project/SHOP/statuses');
    expect(
      validateResponse(SPEC, 'get', '/rest/api/3/project/{projectIdOrKey}/statuses', 200, statuses.body),
    ).toEqual([]);
    const forBug = (
      statuses.body as Array<{
        name: string;
        statuses: Array<{ name: string; statusCategory: { key: string } }>;
      }>
    ).find((t) => t.name === 'Bug');
    expect(forBug?.statuses.filter((s) => s.statusCategory.key === 'done').map((s) => s.name)).toEqual([
      'Done',
      "Won't Do",
      'Duplicate',
    ]);

    const all = await call(sim, 'GET', '/rest/api/3/status');
    expect(validateResponse(SPEC, 'get', '/rest/api/3/status', 200, all.body)).toEqual([]);
    const categories = await call(sim, 'GET', '/rest/api/3/statuscategory');
    expect(validateResponse(SPEC, 'get', '/rest/api/3/statuscategory', 200, categories.body)).toEqual([]);
    expect((categories.body as Json[]).map((c) => c.key)).toEqual([
      'undefined',
      'new',
      'indeterminate',
      'done',
    ]);
    const done = await call(sim, 'GET', '/rest/api/3/statuses/search?statusCategory=DONE&maxResults=3');
    expect(validateResponse(SPEC, 'get', '/rest/api/3/statuses/search', 200, done.body)).toEqual([]);
    expect(done.body).toMatchObject({ total: 4, isLast: false });
  });

  it('searches with JQL by GET and POST, following nextPageToken', async () => {
    const get = await call(
      sim,
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent('project = SHOP ORDER BY key ASC')}&maxResults=3&fields=summary,status`,
    );
    expect(validateResponse(SPEC, 'get', '/rest/api/3/search/jql', 200, get.body)).toEqual([]);
    const keys: string[] = [];
    let token: unknown = undefined;
    do {
      const page = await call(sim, 'POST', '/rest/api/3/search/jql', {
        jql: 'project = SHOP ORDER BY key ASC',
        maxResults: 3,
        fields: ['summary'],
        ...(token ? { nextPageToken: token } : {}),
      });
      expect(validateResponse(SPEC, 'post', '/rest/api/3/search/jql', 200, page.body)).toEqual([]);
      keys.push(...((page.body as Json).issues as Json[]).map((i) => String(i.key)));
      token = (page.body as Json).nextPageToken;
      expect((page.body as Json).isLast).toBe(token === undefined);
    } while (token);
    expect(keys).toEqual(sim.issueKeys('SHOP'));
    const idsOnly = await call(
      sim,
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent('key = SHOP-1')}`,
    );
    expect(idsOnly.body).toEqual({ issues: [{ id: sim.issue('SHOP-1').id }], isLast: true });
  });
});

describe('Jira simulator: workflows with several done statuses', () => {
  it("allows only the transitions of the current status, answering 400 with Jira's error shape otherwise", async () => {
    const sim = simulator();
    const list = await call(sim, 'GET', '/rest/api/3/issue/SHOP-2/transitions');
    const targets = (list.body as { transitions: Array<{ to: { name: string } }> }).transitions.map(
      (t) => t.to.name,
    );
    expect(targets.sort()).toEqual(['Duplicate', 'In Progress', "Won't Do"]);
    const refused = await call(sim, 'POST', '/rest/api/3/issue/SHOP-2/transitions', {
      transition: { id: '31' },
    });
    expect(refused).toEqual({
      status: 400,
      body: { errorMessages: ["Transition id '31' is not valid for this issue."], errors: {} },
    });
    expect(validateComponent(SPEC, 'ErrorCollection', refused.body)).toEqual([]);
    expect((await call(sim, 'POST', '/rest/api/3/issue/SHOP-2/transitions', {})).status).toBe(400);
    expect(
      (await call(sim, 'POST', '/rest/api/3/issue/SHOP-999/transitions', { transition: { id: '11' } }))
        .status,
    ).toBe(404);
  });

  it('lets an admin add or replace a transition in a workflow, for the projects that share it only', async () => {
    const sim = simulator();
    const targetsOf = async (s: JiraSimulator, key: string): Promise<string[]> =>
      (
        (await call(s, 'GET', `/rest/api/3/issue/${key}/transitions`)).body as {
          transitions: Array<{ id: string; name: string; to: { name: string } }>;
        }
      ).transitions
        .map((t) => `${t.id} ${t.name} -> ${t.to.name}`)
        .sort();
    const before = await targetsOf(sim, 'SHOP-2');
    expect(before).not.toContain('91 Close -> Done');

    sim.addTransition('SHOP', { id: '91', name: 'Close', from: ['10000'], to: '10002' });
    expect(await targetsOf(sim, 'SHOP-2')).toEqual([...before, '91 Close -> Done'].sort());
    expect(await transitionTo(sim, 'SHOP-2', 'Done')).toBe(204);
    expect(sim.issue('SHOP-2')).toMatchObject({ status: 'Done', resolution: 'Done' });
    // PAY shares the software workflow, as projects share workflows in Jira; another site does not.
    const payToDo = sim.createIssueAs(JIRA_DEMO_USERS.admin, { project: 'PAY', summary: 'Refund fails' });
    expect(await targetsOf(sim, payToDo)).toContain('91 Close -> Done');
    const opsToDo = sim.createIssueAs(JIRA_DEMO_USERS.admin, { project: 'OPS', summary: 'Disk full' });
    expect((await targetsOf(sim, opsToDo)).some((t) => t.startsWith('91 '))).toBe(false);
    expect(await targetsOf(simulator(), 'SHOP-2')).toEqual(before);

    // The same id replaces the transition; no `from` makes it global.
    sim.addTransition('SHOP', { id: '91', name: 'Close as done', to: '10002' });
    expect((await targetsOf(sim, payToDo)).filter((t) => t.startsWith('91 '))).toEqual([
      '91 Close as done -> Done',
    ]);
    expect(() => sim.addTransition('SHOP', { id: '92', name: 'Cancel', to: '10005' })).toThrow(
      /status 10005 is not in Software workflow/,
    );
    expect(() => sim.addTransition('NOPE', { id: '93', name: 'Close', to: '10002' })).toThrow(
      /no project NOPE/,
    );
  });

  it('sets the matching resolution for each done status and clears it on reopen', async () => {
    const sim = simulator();
    expect(await transitionTo(sim, 'SHOP-2', 'In Progress')).toBe(204);
    expect(await transitionTo(sim, 'SHOP-2', 'Done')).toBe(204);
    expect(sim.issue('SHOP-2')).toMatchObject({ status: 'Done', statusCategory: 'done', resolution: 'Done' });
    expect(await transitionTo(sim, 'SHOP-2', 'Reopened')).toBe(204);
    expect(sim.issue('SHOP-2')).toMatchObject({
      status: 'Reopened',
      statusCategory: 'new',
      resolution: null,
    });
    expect(await transitionTo(sim, 'SHOP-2', "Won't Do")).toBe(204);
    expect(sim.issue('SHOP-2').resolution).toBe("Won't Do");
    expect(await transitionTo(sim, 'OPS-1', 'Cancelled')).toBe(204);
    expect(sim.issue('OPS-1')).toMatchObject({
      status: 'Cancelled',
      statusCategory: 'done',
      resolution: 'Cancelled',
    });
  });

  it('refuses fields on transitions without a screen', async () => {
    const sim = simulator();
    const r = await call(sim, 'POST', '/rest/api/3/issue/SHOP-1/transitions', {
      transition: { id: '31' },
      fields: { resolution: { name: 'Fixed' } },
    });
    expect(r.status).toBe(400);
    expect((r.body as { errors: Json }).errors.resolution).toMatch(/cannot be set/);
    expect(sim.issue('SHOP-1').status).toBe('In Progress');
  });

  it("emits avi:jira:updated:issue with a changelog, marking the app's own changes selfGenerated", async () => {
    const sim = simulator();
    const received: Array<[JiraIssueEvent, ChangeOrigin]> = [];
    const stop = sim.onIssueUpdated((event, origin) => received.push([event, origin]));
    await transitionTo(sim, 'PAY-2', 'Done');
    await transitionTo(sim, 'PAY-1', 'In Progress', asUser(JIRA_DEMO_USERS.developer));
    sim.moveIssueAs(JIRA_DEMO_USERS.shopLead, 'SHOP-1', 'Duplicate');
    stop();
    sim.moveIssueAs(JIRA_DEMO_USERS.shopLead, 'SHOP-1', 'Reopened');
    expect(received).toHaveLength(3);
    const [appChange, userViaApp, inJira] = received;
    expect(appChange?.[0]).toMatchObject({
      eventType: 'avi:jira:updated:issue',
      selfGenerated: true,
      issue: { key: 'PAY-2', fields: { status: { name: 'Done' } } },
      changelog: {
        items: [
          { field: 'resolution', fieldId: 'resolution', from: null, to: '10000', toString: 'Done' },
          { field: 'status', fieldId: 'status', fromString: 'In Progress', toString: 'Done' },
        ],
      },
      associatedStatuses: [{ name: 'In Progress' }, { name: 'Done' }],
    });
    expect(appChange?.[1]).toMatchObject({ via: 'api', provider: 'app' });
    expect(userViaApp?.[0]).toMatchObject({ selfGenerated: true, atlassianId: JIRA_DEMO_USERS.developer });
    expect(userViaApp?.[1]).toEqual({ via: 'api', provider: 'user', accountId: JIRA_DEMO_USERS.developer });
    expect(inJira?.[0]).toMatchObject({
      selfGenerated: false,
      atlassianId: JIRA_DEMO_USERS.shopLead,
      changelog: {
        items: [
          { field: 'resolution', toString: 'Duplicate' },
          { field: 'status', toString: 'Duplicate' },
        ],
      },
    });
    expect(sim.events).toHaveLength(4);
  });
});

describe('Jira simulator: permissions per user and project', () => {
  const sim = simulator();
  const have = async (who: Who, permissions: string, project?: string): Promise<Record<string, boolean>> => {
    const r = await call(
      sim,
      'GET',
      `/rest/api/3/mypermissions?permissions=${permissions}${project ? `&projectKey=${project}` : ''}`,
      undefined,
      who,
    );
    const entries = Object.entries(
      (r.body as { permissions: Record<string, { havePermission: boolean }> }).permissions,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, v.havePermission]));
  };

  it('knows admins, project leads, developers and viewers; the app has every permission', async () => {
    expect(await have(asUser(JIRA_DEMO_USERS.admin), 'ADMINISTER')).toEqual({ ADMINISTER: true });
    expect(await have(asUser(JIRA_DEMO_USERS.developer), 'ADMINISTER')).toEqual({ ADMINISTER: false });
    expect(await have(asUser(JIRA_DEMO_USERS.shopLead), 'ADMINISTER_PROJECTS', 'SHOP')).toEqual({
      ADMINISTER_PROJECTS: true,
    });
    expect(await have(asUser(JIRA_DEMO_USERS.shopLead), 'ADMINISTER_PROJECTS', 'PAY')).toEqual({
      ADMINISTER_PROJECTS: false,
    });
    expect(await have(asUser(JIRA_DEMO_USERS.viewer), 'BROWSE_PROJECTS,EDIT_ISSUES', 'SHOP')).toEqual({
      BROWSE_PROJECTS: true,
      EDIT_ISSUES: false,
    });
    expect(await have(APP, 'ADMINISTER,ADMINISTER_PROJECTS', 'OPS')).toEqual({
      ADMINISTER: true,
      ADMINISTER_PROJECTS: true,
    });
  });

  it('refuses bad permission queries and hidden projects', async () => {
    expect((await call(sim, 'GET', '/rest/api/3/mypermissions')).status).toBe(400);
    expect((await call(sim, 'GET', '/rest/api/3/mypermissions?permissions=FLY')).status).toBe(400);
    expect(
      (
        await call(
          sim,
          'GET',
          '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS&projectKey=OPS',
          undefined,
          asUser(JIRA_DEMO_USERS.viewer),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await call(
          sim,
          'GET',
          '/rest/api/3/mypermissions?permissions=ADMINISTER',
          undefined,
          asUser('712020:unknown'),
        )
      ).status,
    ).toBe(401);
  });

  it('applies permissions to writes and reads', async () => {
    const viewer = asUser(JIRA_DEMO_USERS.viewer);
    expect((await call(sim, 'PUT', '/rest/api/3/issue/SHOP-1/properties/x', { a: 1 }, viewer)).status).toBe(
      403,
    );
    const create = await call(
      sim,
      'POST',
      '/rest/api/3/issue',
      { fields: { project: { key: 'SHOP' }, issuetype: { name: 'Task' }, summary: 'x' } },
      viewer,
    );
    expect(create.status).toBe(400);
    expect((create.body as { errors: Json }).errors.project).toMatch(/permission/);
    expect((await call(sim, 'GET', '/rest/api/3/issue/PAY-1', undefined, viewer)).status).toBe(404);
    const transitions = await call(sim, 'GET', '/rest/api/3/issue/SHOP-1/transitions', undefined, viewer);
    expect((transitions.body as Json).transitions).toEqual([]);
    expect(
      (await search(sim, 'project in (SHOP, PAY)', viewer)).keys.every((k) => k.startsWith('SHOP-')),
    ).toBe(true);
  });
});

describe('Jira simulator: validation', () => {
  const sim = simulator();

  it('refuses issues without the required fields, listing each', async () => {
    const r = await call(sim, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'SHOP' } } });
    expect(r.status).toBe(400);
    expect(validateComponent(SPEC, 'ErrorCollection', r.body)).toEqual([]);
    expect((r.body as { errors: Json }).errors).toEqual({
      issuetype: 'Specify an issue type',
      summary: 'You must specify a summary of the issue.',
    });
    const noProject = await call(sim, 'POST', '/rest/api/3/issue', {
      fields: { project: { key: 'NOPE' }, issuetype: { name: 'Bug' }, summary: 'x' },
    });
    expect((noProject.body as { errors: Json }).errors).toEqual({
      project: 'Specify a valid project ID or key',
    });
  });

  it('refuses descriptions and comments that are not Atlassian documents', async () => {
    const plain = await call(sim, 'POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'SHOP' },
        issuetype: { name: 'Bug' },
        summary: 'x',
        description: 'plain text',
      },
    });
    expect((plain.body as { errors: Json }).errors.description).toMatch(/Atlassian Document/);
    const emptyText = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }],
    };
    expect((await call(sim, 'POST', '/rest/api/3/issue/SHOP-1/comment', { body: emptyText })).status).toBe(
      400,
    );
    expect(
      (await call(sim, 'POST', '/rest/api/3/issue/SHOP-1/comment', { body: { type: 'paragraph' } })).status,
    ).toBe(400);
  });

  it('limits issue properties to 32,768 characters of valid JSON', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(32_768) });
    const tooLong = await call(sim, 'PUT', '/rest/api/3/issue/SHOP-1/properties/big', big);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('32768');
    const fits = JSON.stringify({ blob: 'x'.repeat(32_768 - 11) });
    expect(fits.length).toBe(32_768);
    expect((await call(sim, 'PUT', '/rest/api/3/issue/SHOP-1/properties/big', fits)).status).toBe(201);
    expect((await call(sim, 'PUT', '/rest/api/3/issue/SHOP-1/properties/bad', '{not json')).status).toBe(400);
  });

  it('answers 410 for the removed /rest/api/3/search', async () => {
    expect((await call(sim, 'GET', '/rest/api/3/search?jql=project=SHOP')).status).toBe(410);
  });
});

describe('Jira simulator: JQL', () => {
  const sim = simulator();

  it("searches the app's entity property by the aliases declared in manifest.yml", async () => {
    expect((await search(sim, 'sentryEvents > 100')).keys).toEqual([
      'OPS-3',
      'PAY-2',
      'SHOP-1',
      'SHOP-3',
      'SHOP-5',
    ]);
    expect((await search(sim, 'sentryStatus = unresolved AND sentryEvents > 100')).keys).toEqual([
      'OPS-3',
      'PAY-2',
      'SHOP-1',
    ]);
    expect((await search(sim, 'sentryLevel in (fatal) ORDER BY key')).keys).toEqual(['PAY-1', 'SHOP-2']);
    expect((await search(sim, 'sentryLastSeen >= -30m')).keys).toEqual([
      'OPS-3',
      'PAY-1',
      'SHOP-1',
      'SHOP-2',
      'SHOP-5',
    ]);
    expect((await search(sim, 'sentryLinked >= 2')).keys).toEqual(['SHOP-3']);
    expect((await search(sim, 'issue.property[productHealthSentry].events14d > 40000')).keys).toEqual([
      'SHOP-5',
    ]);
    const bad = await search(sim, 'sentryEvents > lots');
    expect(bad.status).toBe(400);
  });

  it('reads the aliases from the manifest it is given', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jira-sim-'));
    const manifest = path.join(dir, 'manifest.yml');
    writeFileSync(
      manifest,
      readFileSync(DEFAULT_MANIFEST_PATH, 'utf8').replace(
        'searchAlias: sentryEvents',
        'searchAlias: errorEvents',
      ),
    );
    const custom = new JiraSimulator({ now: () => NOW, manifestPath: manifest });
    expect((await search(custom, 'errorEvents > 40000')).keys).toEqual(['SHOP-5']);
    expect((await search(custom, 'sentryEvents > 40000')).status).toBe(400);
  });

  it('filters by project, key, status and status category', async () => {
    expect((await search(sim, 'key in (SHOP-1, PAY-1, NOPE-9)')).keys).toEqual(['PAY-1', 'SHOP-1']);
    expect((await search(sim, 'statusCategory = Done')).keys).toEqual([
      'OPS-2',
      'OPS-3',
      'PAY-3',
      'SHOP-4',
      'SHOP-5',
      'SHOP-6',
    ]);
    expect((await search(sim, 'project = SHOP AND status = "Won\'t Do"')).keys).toEqual(['SHOP-5']);
    expect((await search(sim, 'project = OPS AND statusCategory != Done')).keys).toEqual(['OPS-1']);
    expect(
      (await search(sim, 'project = SHOP AND resolution = Unresolved AND labels = sentry')).keys,
    ).toEqual(['SHOP-1', 'SHOP-2']);
    expect((await search(sim, 'assignee = currentUser()', asUser(JIRA_DEMO_USERS.developer))).keys).toEqual([
      'PAY-2',
      'SHOP-1',
      'SHOP-4',
    ]);
    expect((await search(sim, '(project = PAY OR project = OPS) AND NOT status = Done')).keys).toEqual([
      'OPS-1',
      'OPS-2',
      'PAY-1',
      'PAY-2',
    ]);
  });

  it("refuses unknown fields, bad syntax and unbounded queries in Jira's error shape", async () => {
    for (const jql of ['colour = red', 'project = ', 'project SHOP', 'ORDER BY key', '']) {
      const r = await call(sim, 'POST', '/rest/api/3/search/jql', { jql });
      expect([jql, r.status]).toEqual([jql, 400]);
      expect(validateComponent(SPEC, 'ErrorCollection', r.body)).toEqual([]);
    }
    const bogus = await call(sim, 'POST', '/rest/api/3/search/jql', {
      jql: 'project = SHOP',
      nextPageToken: 'bogus',
    });
    expect(bogus.status).toBe(400);
  });

  it('pages large results with nextPageToken', async () => {
    const big = simulator();
    big.seedIssues('PAY', 2_500, { withSentryProperty: 0.4 });
    let token: string | undefined;
    const seen = new Set<string>();
    let pages = 0;
    do {
      const r = await call(big, 'POST', '/rest/api/3/search/jql', {
        jql: 'project = PAY AND sentryEvents >= 0',
        maxResults: 500,
        fields: ['key'],
        ...(token ? { nextPageToken: token } : {}),
      });
      for (const issue of (r.body as { issues: Json[] }).issues) seen.add(String(issue.key));
      token = (r.body as { nextPageToken?: string }).nextPageToken;
      pages += 1;
    } while (token);
    expect(seen.size).toBeGreaterThan(900);
    expect(seen.size).toBeLessThan(1_100);
    expect(pages).toBe(Math.ceil(seen.size / 500));
  });
});

describe('Jira simulator: faults and the request log', () => {
  it('injects faults for matching requests and logs who called', async () => {
    const sim = simulator();
    sim.injectFault({
      kind: 'status',
      status: 429,
      retryAfter: 7,
      match: (r) => r.path === '/rest/api/3/search/jql',
    });
    const response = await sim.handle({
      provider: 'app',
      accountId: null,
      method: 'POST',
      path: '/rest/api/3/search/jql',
      headers: {},
      body: JSON.stringify({ jql: 'project = SHOP' }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(validateComponent(SPEC, 'ErrorCollection', await response.json())).toEqual([]);
    await call(sim, 'GET', '/rest/api/3/issue/SHOP-1', undefined, asUser(JIRA_DEMO_USERS.developer));
    expect(sim.requestLog.entries.map((e) => [e.method, e.path, e.status, e.provider, e.accountId])).toEqual([
      ['POST', '/rest/api/3/search/jql', 429, 'app', null],
      ['GET', '/rest/api/3/issue/SHOP-1', 200, 'user', JIRA_DEMO_USERS.developer],
    ]);
  });
});
