// The health pass keeps the issue context's per-Jira-project records: written when they change, left
// alone when not, removed once no product maps the project.
import { createTestRuntime, type LocalForgeRuntime } from '../../../sandbox/runtime';
import {
  createProduct,
  jiraProjectContextKey,
  listJiraProjectContexts,
  listProductMappings,
  setProductMapping,
} from '../../storage';
import { refreshProductHealth } from './refresh-product-health';

let runtime: LocalForgeRuntime;

beforeEach(async () => {
  runtime = createTestRuntime();
  await createProduct({ id: 'checkout', name: 'Checkout', priority: 'high', owningTeam: null });
  await setProductMapping('checkout', {
    jiraProjectIds: ['10000', '10001'],
    sentryProjects: [],
    sonarProjects: [],
  });
});

const pass = async (now: Date) => refreshProductHealth(await listProductMappings(), now);

it('writes a record per mapped Jira project, rewrites none when nothing changed, removes unmapped ones', async () => {
  await pass(new Date('2026-11-29T10:00:00Z'));
  expect((await listJiraProjectContexts()).map((record) => record.jiraProjectId)).toEqual(['10000', '10001']);
  const first = runtime.kvs.dump().data[jiraProjectContextKey('10000')];
  expect(first).toMatchObject({ productNames: ['Checkout'], grade: null, qualityGate: null });

  await pass(new Date('2026-11-29T11:00:00Z'));
  expect(runtime.kvs.dump().data[jiraProjectContextKey('10000')]).toEqual(first);

  await setProductMapping('checkout', { jiraProjectIds: ['10001'], sentryProjects: [], sonarProjects: [] });
  await pass(new Date('2026-11-29T12:00:00Z'));
  expect((await listJiraProjectContexts()).map((record) => record.jiraProjectId)).toEqual(['10001']);
});
