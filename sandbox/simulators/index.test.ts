import { createDemoWorld, createExternalRouter, type ExternalHandler, isSentryHost } from './index';
import type { JiraHandler } from './jira';

const NOW = Date.parse('2026-01-15T12:00:00Z');

describe('external router and demo world', () => {
  const world = createDemoWorld({ now: () => NOW });
  const sentryAuth = { authorization: `Bearer ${world.credentials.sentry.full}` };

  it('routes by host to the Sentry and SonarCloud simulators', async () => {
    for (const host of ['sentry.io', 'us.sentry.io', 'acme.sentry.io']) {
      const r = await world.external(
        new Request(`https://${host}/api/0/organizations/acme/projects/`, { headers: sentryAuth }),
      );
      expect([host, r.status]).toEqual([host, 200]);
    }
    const eu = await world.external(
      new Request('https://de.sentry.io/api/0/organizations/acme-eu/projects/', { headers: sentryAuth }),
    );
    expect(eu.status).toBe(200);
    const sonar = await world.external(
      new Request('https://sonarcloud.io/api/qualitygates/project_status?projectKey=acme_payments', {
        headers: { authorization: `Bearer ${world.credentials.sonarcloud.member}` },
      }),
    );
    expect(((await sonar.json()) as { projectStatus: { status: string } }).projectStatus.status).toBe(
      'ERROR',
    );
    expect(world.sentry.requestLog.size).toBe(4);
    expect(world.sonarcloud.requestLog.size).toBe(1);
  });

  it('fails like an unreachable network for hosts it does not simulate', async () => {
    await expect(world.external(new Request('https://example.com/'))).rejects.toThrow(
      /no simulator answers for host example\.com/,
    );
    expect(isSentryHost('notsentry.io')).toBe(false);
    expect(isSentryHost('de.sentry.io')).toBe(true);
  });

  it('accepts plain handlers as targets', async () => {
    const seen: string[] = [];
    const router = createExternalRouter({
      sonarcloud: async (req) => {
        seen.push(req.url);
        return new Response('{}', { status: 200 });
      },
    });
    await router(new Request('https://sonarcloud.io/api/authentication/validate'));
    expect(seen).toEqual(['https://sonarcloud.io/api/authentication/validate']);
    await expect(router(new Request('https://sentry.io/api/0/'))).rejects.toBeInstanceOf(TypeError);
  });

  it('attaches to a runtime and resets logs and faults', async () => {
    const attached: { jira?: JiraHandler; external?: ExternalHandler } = {};
    world.attach({
      setJiraHandler: (h) => {
        attached.jira = h;
      },
      setExternalHandler: (h) => {
        attached.external = h;
      },
    });
    expect(attached.external).toBe(world.external);
    const r = await attached.jira?.({
      provider: 'app',
      accountId: null,
      method: 'GET',
      path: '/rest/api/3/project/search',
      headers: {},
      body: undefined,
    });
    expect(((await r?.json()) as { total: number }).total).toBe(3);
    world.jira.injectFault({ kind: 'status', status: 500, times: Infinity });
    world.resetLogsAndFaults();
    expect(world.jira.requestLog.size).toBe(0);
    const after = await world.jiraHandler({
      provider: 'app',
      accountId: null,
      method: 'GET',
      path: '/rest/api/3/statuscategory',
      headers: {},
      body: undefined,
    });
    expect(after.status).toBe(200);
  });

  it('shares one clock between the three services', () => {
    expect(world.sentry.issue('BACKEND-38').lastSeen).toBe(new Date(NOW - 4 * 60_000).toISOString());
    expect(world.jira.issue('SHOP-1').updated <= new Date(NOW).toISOString()).toBe(true);
    expect(world.sonarcloud.gateStatus('acme_web-frontend')).toBe('ERROR');
  });
});
