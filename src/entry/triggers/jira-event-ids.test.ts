// One id schema for the three Jira event triggers: what each accepts follows Forge's Jira event payloads
// (ids are strings of digits, as in `"issue": {"id": "10073", "key": "SP-10"}`).
import { jiraIdSchema } from './jira-event-ids';
import { readComment } from './jira-issue-commented';
import { handleJiraIssueDeleted } from './jira-issue-deleted';
import { readStatusChange } from './jira-issue-updated';

const ISSUE = { id: '10073', key: 'SP-10', fields: { project: { id: '10000' } } };

describe('jiraIdSchema', () => {
  it('takes the digits of a Jira id, as a string or a number', () => {
    expect(jiraIdSchema.parse('10073')).toBe('10073');
    expect(jiraIdSchema.parse(10073)).toBe('10073');
    expect(jiraIdSchema.parse('1')).toBe('1');
  });

  it.each(['', 'SP-10', ' 10073', '10073 ', '1e5', '-1', '12345678901234567890', -1, 1.5])(
    'refuses %p, which names no Jira entity',
    (id) => {
      expect(jiraIdSchema.safeParse(id).success).toBe(false);
    },
  );
});

describe('the triggers read ids with it', () => {
  it('issue updated: a status change of an issue named by its id, numbers read as digits', () => {
    const change = readStatusChange({
      eventType: 'avi:jira:updated:issue',
      issue: { ...ISSUE, id: 10073, fields: { project: { id: 10000 }, status: { id: '10001' } } },
      changelog: { items: [{ fieldId: 'status', from: '10000', to: '10001' }] },
    });
    expect(change).toMatchObject({ jiraIssueId: '10073', jiraProjectId: '10000', to: { id: '10001' } });
    expect(() =>
      readStatusChange({
        issue: { ...ISSUE, id: 'SP-10' },
        changelog: { items: [{ fieldId: 'status', to: '10001' }] },
      }),
    ).toThrow(/issue\.id/);
  });

  it('issue commented: the issue and comment ids', () => {
    const comment = readComment({ issue: ISSUE, comment: { id: 10100, body: 'text' } });
    expect(comment).toMatchObject({ jiraIssueId: '10073', jiraProjectId: '10000', commentId: '10100' });
    expect(() => readComment({ issue: ISSUE, comment: { id: '', body: 'text' } })).toThrow(/comment\.id/);
  });
});

describe('issue deleted', () => {
  it('drops an event whose issue id is not a Jira id, saying so', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await handleJiraIssueDeleted({
        eventType: 'avi:jira:deleted:issue',
        issue: { id: 'SP-10', key: 'SP-10' },
      });
      expect(error).toHaveBeenCalledWith(
        expect.stringMatching(/could not be read and was dropped: .*Jira id/s),
      );
    } finally {
      error.mockRestore();
    }
  });
});
