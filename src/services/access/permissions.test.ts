import {
  ForbiddenError,
  requireGlobalAdmin,
  requireIssueCreate,
  requireIssueEdit,
  requireProjectAdmin,
  requireProjectSettingsAccess,
} from './permissions';
import { NotFoundError } from '../../clients/http';

function clientGranting(granted: Record<string, boolean>) {
  const calls: Array<{ permissions: readonly string[]; scope: unknown }> = [];
  return {
    calls,
    factory: () => ({
      getMyPermissions: async (permissions: readonly string[], scope: unknown = {}) => {
        calls.push({ permissions, scope });
        return Object.fromEntries(permissions.map((key) => [key, granted[key] === true]));
      },
    }),
  };
}

describe('permission checks', () => {
  it('lets a Jira admin through and asks Jira for ADMINISTER globally', async () => {
    const jira = clientGranting({ ADMINISTER: true });
    await expect(requireGlobalAdmin('acc-1', jira.factory)).resolves.toBeUndefined();
    expect(jira.calls).toEqual([{ permissions: ['ADMINISTER'], scope: {} }]);
  });

  it('refuses a user without the permission, naming it', async () => {
    const jira = clientGranting({});
    await expect(requireGlobalAdmin('acc-1', jira.factory)).rejects.toThrow(ForbiddenError);
    await expect(requireProjectAdmin('acc-1', '10001', jira.factory)).rejects.toThrow(/ADMINISTER_PROJECTS/);
    await expect(requireIssueEdit('acc-1', '20002', jira.factory)).rejects.toThrow(/EDIT_ISSUES/);
    await expect(requireIssueCreate('acc-1', '10001', jira.factory)).rejects.toThrow(/CREATE_ISSUES/);
    expect(jira.calls.map((call) => call.scope)).toEqual([
      {},
      { projectId: '10001' },
      { issueId: '20002' },
      { projectId: '10001' },
    ]);
  });

  it('refuses a caller who cannot browse the issue or project (Jira answers 404) as forbidden', async () => {
    const hidden = () => ({
      getMyPermissions: async (): Promise<Record<string, boolean>> => {
        throw new NotFoundError('Issue does not exist or you do not have permission to see it.', {
          system: 'Jira',
          operation: 'GET /rest/api/3/mypermissions',
          status: 404,
          resource: 'issue 20002',
        });
      },
    });
    await expect(requireIssueEdit('acc-1', '20002', hidden)).rejects.toThrow(ForbiddenError);
    await expect(requireIssueEdit('acc-1', '20002', hidden)).rejects.toThrow(/cannot browse this Jira issue/);
    await expect(requireIssueCreate('acc-1', '10001', hidden)).rejects.toThrow(
      /cannot browse this Jira project/,
    );
  });

  it('refuses a call without a signed-in user before asking Jira', async () => {
    const jira = clientGranting({ ADMINISTER: true });
    await expect(requireGlobalAdmin(null, jira.factory)).rejects.toThrow(/signed-in Jira user/);
    expect(jira.calls).toHaveLength(0);
  });
});

describe('project settings access', () => {
  it('lets a project admin or a Jira admin through with one call scoped to the project', async () => {
    for (const granted of [{ ADMINISTER_PROJECTS: true }, { ADMINISTER: true }] as Array<
      Record<string, boolean>
    >) {
      const jira = clientGranting(granted);
      await expect(requireProjectSettingsAccess('acc-1', '10001', jira.factory)).resolves.toBeUndefined();
      expect(jira.calls).toEqual([
        { permissions: ['ADMINISTER_PROJECTS', 'ADMINISTER'], scope: { projectId: '10001' } },
      ]);
    }
  });

  it('refuses everyone else, naming the permission', async () => {
    const jira = clientGranting({ BROWSE_PROJECTS: true, EDIT_ISSUES: true });
    await expect(requireProjectSettingsAccess('acc-1', '10001', jira.factory)).rejects.toThrow(
      /ADMINISTER_PROJECTS in this project \(or to be a Jira admin\)/,
    );
    await expect(requireProjectSettingsAccess(null, '10001', jira.factory)).rejects.toThrow(/signed-in/);
  });

  it('asks for the global permission alone when Jira hides the project from the caller (404)', async () => {
    const calls: unknown[] = [];
    const factory = (admin: boolean) => () => ({
      getMyPermissions: async (permissions: readonly string[], scope: unknown = {}) => {
        calls.push(scope);
        if (scope && typeof scope === 'object' && 'projectId' in scope) {
          throw new NotFoundError('No project could be found with id 10001.', {
            system: 'Jira',
            operation: 'GET /rest/api/3/mypermissions',
            status: 404,
            resource: 'project 10001',
          });
        }
        return Object.fromEntries(permissions.map((key) => [key, admin]));
      },
    });
    await expect(requireProjectSettingsAccess('acc-1', '10001', factory(true))).resolves.toBeUndefined();
    expect(calls).toEqual([{ projectId: '10001' }, {}]);
    await expect(requireProjectSettingsAccess('acc-1', '10001', factory(false))).rejects.toThrow(
      ForbiddenError,
    );
  });
});
