import {
  ForbiddenError,
  requireGlobalAdmin,
  requireIssueCreate,
  requireIssueEdit,
  requireProjectAdmin,
} from './permissions';

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

  it('refuses a call without a signed-in user before asking Jira', async () => {
    const jira = clientGranting({ ADMINISTER: true });
    await expect(requireGlobalAdmin(null, jira.factory)).rejects.toThrow(/signed-in Jira user/);
    expect(jira.calls).toHaveLength(0);
  });
});
