import { loadReference, validateResponse } from '../testing/spec-validation';
import { SENTRY_DEMO_INSTALLATIONS, SENTRY_DEMO_TOKENS, SentrySimulator } from './index';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const SPEC = 'sentry/openapi.trimmed.json' as const;
const CREATE = '/api/0/sentry-app-installations/{uuid}/external-issues/';
const DELETE = '/api/0/sentry-app-installations/{uuid}/external-issues/{external_issue_id}/';
const LIST = '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/external-issues/';
const UUID = SENTRY_DEMO_INSTALLATIONS[0]?.uuid ?? '';

function specResponses(template: string, method: string): Record<string, unknown> {
  const spec = loadReference<{
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  }>(SPEC);
  return spec.paths[template]?.[method]?.responses ?? {};
}

async function call(
  sim: SentrySimulator,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await sim.handle(
    new Request(`https://us.sentry.io${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${init.token ?? SENTRY_DEMO_TOKENS.full}`,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

function link(issueId: string, identifier = 'SHOP-12'): Record<string, unknown> {
  return {
    issueId: Number(issueId),
    webUrl: `https://acme.atlassian.net/browse/${identifier}`,
    project: 'SHOP',
    identifier,
  };
}

describe('Sentry simulator: integration-platform external issues', () => {
  it('creates an external issue as the spec answers it, lists it on the issue, and deletes it', async () => {
    const sim = new SentrySimulator({ now: () => NOW });
    const issue = sim.issue('BACKEND-3F');

    const created = await call(sim, `/api/0/sentry-app-installations/${UUID}/external-issues/`, {
      method: 'POST',
      body: link(issue.id),
    });
    expect(created.status).toBe(200);
    expect(validateResponse(SPEC, 'post', CREATE, 200, created.body)).toEqual([]);
    expect(created.body).toEqual({
      id: expect.any(String),
      issueId: issue.id,
      serviceType: 'product-health-for-jira',
      displayName: 'SHOP#SHOP-12',
      webUrl: 'https://acme.atlassian.net/browse/SHOP-12',
    });

    const listed = await call(sim, `/api/0/organizations/acme/issues/${issue.id}/external-issues/`);
    expect(validateResponse(SPEC, 'get', LIST, 200, listed.body)).toEqual([]);
    expect(listed.body).toEqual([created.body]);

    const id = (created.body as { id: string }).id;
    const deleted = await call(sim, `/api/0/sentry-app-installations/${UUID}/external-issues/${id}/`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(204);
    // The spec documents 204 without a body.
    expect(Object.keys(specResponses(DELETE, 'delete'))).toContain('204');
    expect(deleted.body).toBeNull();
    expect(sim.externalIssues.ofIssue(issue.id)).toEqual([]);
    const again = await call(sim, `/api/0/sentry-app-installations/${UUID}/external-issues/${id}/`, {
      method: 'DELETE',
    });
    expect(again.status).toBe(404);
  });

  it('keeps one external issue per Sentry issue and integration: a second post updates it', async () => {
    const sim = new SentrySimulator({ now: () => NOW });
    const issueId = sim.issue('BACKEND-3F').id;
    const path = `/api/0/sentry-app-installations/${UUID}/external-issues/`;
    const first = await call(sim, path, { method: 'POST', body: link(issueId, 'SHOP-12') });
    const second = await call(sim, path, { method: 'POST', body: link(issueId, 'SHOP-14') });
    expect((second.body as { id: string }).id).toBe((first.body as { id: string }).id);
    expect(sim.externalIssues.ofIssue(issueId)).toEqual([
      expect.objectContaining({ displayName: 'SHOP#SHOP-14' }),
    ]);
  });

  it('refuses a body without the required fields, an unknown installation or issue, and missing scopes', async () => {
    const sim = new SentrySimulator({ now: () => NOW });
    const issueId = sim.issue('BACKEND-3F').id;
    const path = `/api/0/sentry-app-installations/${UUID}/external-issues/`;
    const bad = await call(sim, path, { method: 'POST', body: { issueId: 'x', webUrl: 'not a url' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body as object).sort()).toEqual(['identifier', 'issueId', 'project', 'webUrl']);
    const unknownInstallation = await call(sim, '/api/0/sentry-app-installations/0000aaaa/external-issues/', {
      method: 'POST',
      body: link(issueId),
    });
    expect(unknownInstallation.status).toBe(404);
    expect((await call(sim, path, { method: 'POST', body: link('999999999') })).status).toBe(404);
    // Creating needs event:write, deleting event:admin.
    const readOnly = await call(sim, path, {
      method: 'POST',
      body: link(issueId),
      token: SENTRY_DEMO_TOKENS.readOnly,
    });
    expect(readOnly.status).toBe(403);
    sim.addToken('writer', { organizations: ['acme'], scopes: ['event:write'] });
    const made = await call(sim, path, { method: 'POST', body: link(issueId), token: 'writer' });
    expect(made.status).toBe(200);
    const id = (made.body as { id: string }).id;
    const refused = await call(sim, `${path}${id}/`, { method: 'DELETE', token: 'writer' });
    expect(refused.status).toBe(403);
    expect(sim.externalIssues.ofIssue(issueId)).toHaveLength(1);
  });
});
