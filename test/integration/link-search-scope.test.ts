// Who sees which Sentry data: linking from a Jira issue searches only the Sentry projects mapped to that
// Jira project's products, so a person who can edit SHOP's issues cannot read another product's Sentry
// titles by linking them; a Jira admin may widen it to the organizations. A person who cannot browse the
// issue is refused as forbidden.
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, JIRA_DEMO_USERS, type DemoWorld } from '../../sandbox/simulators';
import type { ResolverResult } from '../../src/domain/views';
import { adminResolverDefinitions } from '../../src/entry/resolvers/admin';
import { issuePanelResolverDefinitions } from '../../src/entry/resolvers/issue-panel';
import { getLinkSearchSettings } from '../../src/storage';
import { connectSentry, invokeIssuePanel, mapWebShop } from './links-kit';

let world: DemoWorld;
let runtime: LocalForgeRuntime;
let shopIssue: { id: string; key: string };

beforeEach(async () => {
  world = createDemoWorld();
  runtime = createTestRuntime({
    appModule: { issuePanelResolver: issuePanelResolverDefinitions, adminResolver: adminResolverDefinitions },
    jira: world.jiraHandler,
    external: world.external,
  });
  const key = world.jira.issueKeys('SHOP')[0];
  if (!key) throw new Error('the demo Jira has no SHOP issue');
  shopIssue = { id: world.jira.issue(key).id, key };
  await connectSentry('sentry-acme', 'acme', 'us');
  await connectSentry('sentry-acme-eu', 'acme-eu', 'de');
  // SHOP's product maps Sentry project backend of acme only.
  await mapWebShop();
});

const link = (reference: string, accountId: string = JIRA_DEMO_USERS.developer) =>
  invokeIssuePanel<{ sentryIssueId: string }>(
    runtime,
    shopIssue,
    'linkSentryIssue',
    { reference },
    accountId,
  );

const admin = <T>(key: string, payload: unknown, accountId: string): Promise<ResolverResult<T>> =>
  runtime.invokeResolver('admin-fn', key, payload, {
    accountId,
    extension: { type: 'jira:adminPage' },
  }) as Promise<ResolverResult<T>>;

function storeWithoutLog(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(runtime.kvs.dump().data).filter(([key]) => !key.startsWith('synclog:')),
  );
}

it('finds issues of the mapped projects only; others are not found, in words that say nothing of them', async () => {
  const backend = world.sentry.issues({ projectSlug: 'backend' })[0];
  const frontend = world.sentry.issues({ projectSlug: 'web-frontend' })[0];
  const eu = world.sentry.issues({ projectSlug: 'eu-api' })[0];
  if (!backend || !frontend || !eu) throw new Error('the demo Sentry lacks an issue the test needs');

  const before = storeWithoutLog();
  for (const reference of [
    frontend.id,
    frontend.shortId,
    `https://acme.sentry.io/issues/${frontend.id}/`,
    eu.id,
    `https://acme-eu.sentry.io/issues/${eu.id}/`,
  ]) {
    const answer = await link(reference);
    expect(answer.ok).toBe(false);
    if (answer.ok) continue;
    expect(answer.error.code).toBe('not-found');
    expect(answer.error.message).toMatch(/mapped to this Jira project's products/);
    for (const secret of [frontend.title, eu.title, 'acme-eu'])
      expect(answer.error.message).not.toContain(secret);
  }
  expect(storeWithoutLog()).toEqual(before);

  const linked = await link(backend.shortId);
  expect(linked.ok && linked.data.sentryIssueId).toBe(backend.id);
});

it('a Jira admin widens the search to the organizations; nobody else can', async () => {
  const eu = world.sentry.issues({ projectSlug: 'eu-api' })[0];
  if (!eu) throw new Error('the demo Sentry has no eu-api issue');

  const refused = await admin('setLinkSearchScope', { scope: 'organization' }, JIRA_DEMO_USERS.shopLead);
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await admin('getLinkSearchScope', {}, JIRA_DEMO_USERS.developer)).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  expect(await admin('setLinkSearchScope', { scope: 'everything' }, JIRA_DEMO_USERS.admin)).toMatchObject({
    ok: false,
    error: { code: 'invalid-input' },
  });
  expect((await getLinkSearchSettings()).scope).toBe('mapped-projects');

  const widened = await admin<{ scope: string; updatedBy: string }>(
    'setLinkSearchScope',
    { scope: 'organization' },
    JIRA_DEMO_USERS.admin,
  );
  expect(widened).toMatchObject({
    ok: true,
    data: { scope: 'organization', updatedBy: JIRA_DEMO_USERS.admin },
  });
  expect(await admin('getLinkSearchScope', {}, JIRA_DEMO_USERS.admin)).toMatchObject({
    ok: true,
    data: { scope: 'organization', description: expect.stringMatching(/every project/) },
  });
  const linked = await link(eu.id);
  expect(linked.ok && linked.data.sentryIssueId).toBe(eu.id);
});

it('refuses a person who cannot browse the issue as forbidden, not internal', async () => {
  const backend = world.sentry.issues({ projectSlug: 'backend' })[0];
  if (!backend) throw new Error('the demo Sentry has no backend issue');
  const before = storeWithoutLog();
  // Olga administers OPS only: SHOP's issues do not exist for her (Jira answers 404).
  const answer = await link(backend.shortId, JIRA_DEMO_USERS.opsLead);
  expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(storeWithoutLog()).toEqual(before);
});
