import { buildSentryStatusComment } from './adf';
import {
  adfToPlainText,
  choosePriorityName,
  commentTextForSentry,
  DEFAULT_PRIORITY_MAPPING,
  isAppStatusComment,
  sentryNoteText,
  SENTRY_NOTE_MAX_TEXT,
  stripSentryMarker,
} from './issue-sync-settings';

const SITE = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

describe('choosePriorityName', () => {
  it.each([
    ['fatal', 1, 1, 'Highest'],
    ['error', 99, 999, 'High'],
    ['warning', 0, 0, 'Medium'],
    ['info', 0, 0, 'Low'],
    ['debug', 0, 0, 'Low'],
    ['error', 100, 0, 'Highest'],
    ['warning', 0, 1000, 'High'],
    ['fatal', 5000, 5000, 'Highest'],
  ] as const)('%s with %i users and %i events in 24 h -> %s', (level, users24h, events24h, expected) => {
    expect(choosePriorityName(DEFAULT_PRIORITY_MAPPING, { level, users24h, events24h }, SITE).name).toBe(
      expected,
    );
  });

  it('raises one step only, in the order the site lists its priorities, and says why', () => {
    const choice = choosePriorityName(
      DEFAULT_PRIORITY_MAPPING,
      { level: 'info', users24h: 312, events24h: 1843 },
      SITE,
    );
    expect(choice).toEqual({
      name: 'Medium',
      reason: 'info → Low, raised to Medium: 312 users in 24 h ≥ 100, 1843 events in 24 h ≥ 1000',
    });
  });

  it('never raises with thresholds left empty', () => {
    const mapping = {
      ...DEFAULT_PRIORITY_MAPPING,
      raiseWhenUsers24hAtLeast: null,
      raiseWhenEvents24hAtLeast: null,
    };
    expect(
      choosePriorityName(mapping, { level: 'error', users24h: 10 ** 6, events24h: 10 ** 6 }, SITE).name,
    ).toBe('High');
  });
});

describe('comments for Sentry', () => {
  it('reads a Jira comment as plain text', () => {
    const body = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: '#sentry Ask ' },
            { type: 'mention', attrs: { id: '1', text: '@Dana Kim' } },
            { type: 'hardBreak' },
            { type: 'inlineCard', attrs: { url: 'https://example.com/pr/7' } },
          ],
        },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] },
          ],
        },
        { type: 'codeBlock', content: [{ type: 'text', text: 'x = 1' }] },
      ],
    };
    expect(adfToPlainText(body)).toBe('#sentry Ask @Dana Kim\nhttps://example.com/pr/7\n\n- one\n\nx = 1');
    expect(adfToPlainText('not a document')).toBe('');
  });

  it.each([
    ['#sentry Fixed', 'Fixed'],
    ['  #Sentry: Fixed', 'Fixed'],
    ['#sentry', ''],
    ['#sentryish tag', null],
    ['Fixed #sentry', null],
  ])('the marker in %j leaves %j', (text, expected) => {
    expect(stripSentryMarker(text)).toBe(expected);
  });

  it('sends per the setting and never an empty note', () => {
    expect(commentTextForSentry('off', '#sentry x')).toBeNull();
    expect(commentTextForSentry('marked', 'x')).toBeNull();
    expect(commentTextForSentry('marked', '#sentry x')).toBe('x');
    expect(commentTextForSentry('all', 'x')).toBe('x');
    expect(commentTextForSentry('all', '#sentry')).toBeNull();
  });

  it("recognises the app's own Sentry status comments, and not a person's comment about them", () => {
    const own = adfToPlainText(
      buildSentryStatusComment({
        shortId: 'BACKEND-3F',
        permalink: 'https://acme.sentry.io/issues/1/',
        status: 'resolved',
        actorName: 'Dana Kim',
        regression: false,
      }),
    );
    expect(isAppStatusComment(own)).toBe(true);
    const regression = adfToPlainText(
      buildSentryStatusComment({
        shortId: 'B-1',
        permalink: null,
        status: 'unresolved',
        actorName: null,
        regression: true,
      }),
    );
    expect(isAppStatusComment(regression)).toBe(true);
    expect(isAppStatusComment('#sentry the Sentry status of BACKEND-3F changed, why?')).toBe(false);
  });

  it('cuts a long comment and keeps who and where', () => {
    const text = sentryNoteText({
      text: 'x'.repeat(SENTRY_NOTE_MAX_TEXT + 50),
      authorName: null,
      jiraIssueKey: 'SHOP-1',
      commentUrl: null,
    });
    expect(text.endsWith('…\n\n— Someone, in a comment on Jira SHOP-1')).toBe(true);
    expect(text.split('\n\n')[0]).toHaveLength(SENTRY_NOTE_MAX_TEXT);
  });
});
