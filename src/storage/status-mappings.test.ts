import { kvs } from '@forge/kvs';
import { createTestRuntime } from '../../sandbox/runtime';
import { statusMappingKey } from './keys';
import {
  defaultStatusMapping,
  deleteStatusMapping,
  getStatusMapping,
  getStatusMappingOrDefault,
  listStatusMappings,
  saveStatusMapping,
} from './status-mappings';

beforeEach(() => {
  createTestRuntime();
});

describe('status mappings', () => {
  it('gives defaults until a mapping is saved', async () => {
    expect(await getStatusMapping('10000')).toBeUndefined();
    expect(await getStatusMappingOrDefault('10000')).toEqual(defaultStatusMapping('10000'));
  });

  it('saves, lists and deletes per Jira project', async () => {
    const mapping = {
      ...defaultStatusMapping('10000'),
      resolvedStatusIds: ['10002'],
      archivedStatusIds: ['10005'],
      regressionPolicy: 'create-new' as const,
    };
    await saveStatusMapping(mapping);
    await saveStatusMapping(defaultStatusMapping('10001'));
    expect(await getStatusMappingOrDefault('10000')).toEqual(mapping);
    expect((await listStatusMappings()).map((saved) => saved.jiraProjectId)).toEqual(['10000', '10001']);
    await deleteStatusMapping('10000');
    expect(await getStatusMapping('10000')).toBeUndefined();
  });

  it('reads a mapping saved before the link quorums existed with the default quorums', async () => {
    const {
      jiraDoneWhen: _done,
      sentryResolvedWhen: _resolved,
      ...older
    } = {
      ...defaultStatusMapping('10000'),
      regressionPolicy: 'none' as const,
    };
    await kvs.set(statusMappingKey('10000'), older);
    expect(await getStatusMapping('10000')).toMatchObject({
      regressionPolicy: 'none',
      jiraDoneWhen: 'all',
      sentryResolvedWhen: 'all',
    });
    expect((await listStatusMappings())[0]).toMatchObject({ jiraDoneWhen: 'all' });
  });
});
