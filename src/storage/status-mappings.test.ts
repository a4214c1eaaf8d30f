import { createTestRuntime } from '../../sandbox/runtime';
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
});
