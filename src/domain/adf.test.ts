import Ajv from 'ajv';
import type { SentryIssueSnapshot } from './model';
import {
  buildSentryIssueDescription,
  buildSentryLabels,
  buildSentryStatusComment,
  extractStackFrames,
  formatCount,
  formatFrame,
  formatUtc,
  safeHref,
  sanitizeJiraLabel,
  sentryIssueSummary,
  topInAppFrames,
  type AdfDoc,
  type StackFrameSummary,
} from './adf';

// The official ADF JSON schema (draft-04) ships in @atlaskit/adf-schema. Ajv 8 reads it once the
// draft-04 meta reference is dropped; the schema uses no draft-04-only keywords.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const adfSchema = require('@atlaskit/adf-schema/dist/json-schema/v1/full.json') as Record<string, unknown>;
const { $schema: _draft, ...schemaBody } = adfSchema;
const validateAgainstSchema = new Ajv({ strict: false, allErrors: false }).compile(schemaBody);

const INLINE = new Set(['text', 'hardBreak']);
const BLOCK = new Set(['paragraph', 'heading', 'codeBlock', 'bulletList', 'rule']);
const CHILDREN: Record<string, Set<string>> = {
  doc: BLOCK,
  paragraph: INLINE,
  heading: INLINE,
  codeBlock: new Set(['text']),
  bulletList: new Set(['listItem']),
  listItem: new Set(['paragraph', 'bulletList', 'codeBlock']),
};
const MARKS = new Set(['strong', 'em', 'code', 'link']);

/** The structure rules, spelled out so a failure says which rule broke, not just "invalid". */
function structureProblems(node: unknown, path = 'doc', parent: string | null = null): string[] {
  const problems: string[] = [];
  if (typeof node !== 'object' || node === null) return [`${path}: not an object`];
  const { type, content, marks, text, attrs, version } = node as Record<string, unknown>;
  if (typeof type !== 'string') return [`${path}: no type`];
  if (parent === null && (type !== 'doc' || version !== 1))
    problems.push(`${path}: root must be doc version 1`);
  if (parent !== null && !CHILDREN[parent]?.has(type))
    problems.push(`${path}: ${type} not allowed in ${parent}`);
  if (type === 'text') {
    if (typeof text !== 'string' || text.length === 0) problems.push(`${path}: empty text`);
    for (const mark of (marks as Array<{ type: string; attrs?: { href?: unknown } }> | undefined) ?? []) {
      if (!MARKS.has(mark.type)) problems.push(`${path}: mark ${mark.type} not allowed`);
      if (parent === 'codeBlock') problems.push(`${path}: code block text takes no marks`);
      if (
        mark.type === 'link' &&
        (typeof mark.attrs?.href !== 'string' || !/^https?:\/\//.test(mark.attrs.href))
      ) {
        problems.push(`${path}: link mark without an http(s) href`);
      }
    }
  }
  if (type === 'heading') {
    const level = (attrs as { level?: unknown } | undefined)?.level;
    if (typeof level !== 'number' || level < 1 || level > 6) problems.push(`${path}: heading level 1-6`);
  }
  if ((type === 'bulletList' || type === 'listItem') && (!Array.isArray(content) || content.length === 0)) {
    problems.push(`${path}: ${type} needs content`);
  }
  if (Array.isArray(content)) {
    content.forEach((child: unknown, index) =>
      problems.push(...structureProblems(child, `${path}.${index}`, type)),
    );
  }
  return problems;
}

function expectValidAdf(document: AdfDoc): void {
  expect(structureProblems(document)).toEqual([]);
  const valid = validateAgainstSchema(document);
  if (!valid) throw new Error(`not valid ADF: ${JSON.stringify(validateAgainstSchema.errors?.slice(0, 3))}`);
  // Built from objects: a JSON round trip changes nothing (no undefined, functions or cycles).
  expect(JSON.parse(JSON.stringify(document))).toEqual(document);
}

function allText(document: AdfDoc): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    const record = node as { text?: string; content?: unknown[] };
    if (typeof record.text === 'string') parts.push(record.text);
    record.content?.forEach(walk);
  };
  walk(document);
  return parts.join('');
}

function links(document: AdfDoc): Array<{ text: string; href: string }> {
  const found: Array<{ text: string; href: string }> = [];
  const walk = (node: unknown): void => {
    const record = node as {
      text?: string;
      marks?: Array<{ type: string; attrs?: { href: string } }>;
      content?: unknown[];
    };
    for (const mark of record.marks ?? []) {
      if (mark.type === 'link' && mark.attrs && record.text)
        found.push({ text: record.text, href: mark.attrs.href });
    }
    record.content?.forEach(walk);
  };
  walk(document);
  return found;
}

function issue(overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id: '4509',
    connectionId: 'conn-1',
    shortId: 'BACKEND-3F',
    projectId: '12',
    projectSlug: 'backend',
    title: "TypeError: Cannot read properties of undefined (reading 'id')",
    culprit: 'app/orders in handleOrder',
    level: 'error',
    status: 'unresolved',
    substatus: 'ongoing',
    events24h: 1234,
    users24h: 7,
    events14d: 45678,
    users14d: 250,
    eventsTotal: 1234567,
    usersTotal: 900,
    firstSeen: '2026-03-01T10:00:00.123456Z',
    lastSeen: '2026-03-10T08:30:00Z',
    firstRelease: '1.0.0',
    lastRelease: 'backend@1.2.0+abc',
    permalink: 'https://acme.sentry.io/issues/4509/',
    updatedAt: '2026-03-10T10:00:00Z',
    ...overrides,
  };
}

function frame(name: string, inApp: boolean, line = 10): StackFrameSummary {
  return { function: name, module: null, filename: `src/${name}.js`, lineNo: line, colNo: null, inApp };
}

// Sentry lists frames oldest call first: main -> ... -> the frame that threw.
const FRAMES: StackFrameSummary[] = [
  frame('bootstrap', false, 1),
  ...Array.from({ length: 12 }, (_, index) => frame(`app${index}`, true, index + 1)),
  frame('libraryInternals', false, 99),
];

describe('the ADF validity check itself', () => {
  it.each<[string, unknown]>([
    ['a wrong version', { type: 'doc', version: 2, content: [] }],
    [
      'an empty text node',
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] },
    ],
    [
      'a link without href',
      {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: {} }] }] },
        ],
      },
    ],
    [
      'marks inside a code block',
      {
        type: 'doc',
        version: 1,
        content: [{ type: 'codeBlock', content: [{ type: 'text', text: 'x', marks: [{ type: 'strong' }] }] }],
      },
    ],
    ['text directly in the doc', { type: 'doc', version: 1, content: [{ type: 'text', text: 'x' }] }],
    ['an empty bullet list', { type: 'doc', version: 1, content: [{ type: 'bulletList', content: [] }] }],
  ])('refuses %s, by the rules and by the official schema', (_label, broken) => {
    expect(structureProblems(broken)).not.toEqual([]);
    expect(validateAgainstSchema(broken)).toBe(false);
  });
});

describe('buildSentryIssueDescription', () => {
  const description = buildSentryIssueDescription({ issue: issue(), frames: FRAMES });

  it('is valid ADF', () => {
    expectValidAdf(description);
  });

  it('carries the culprit, level, counts, first/last seen and releases', () => {
    const body = allText(description);
    expect(body).toContain('Culprit: app/orders in handleOrder');
    expect(body).toContain('Level: error');
    expect(body).toContain('Status: unresolved');
    expect(body).toContain('Events: 1,234 in 24 h · 45,678 in 14 d · 1,234,567 in total');
    expect(body).toContain('Users: 7 in 24 h · 250 in 14 d · 900 in total');
    expect(body).toContain('First seen: 2026-03-01 10:00 UTC in release 1.0.0');
    expect(body).toContain('Last seen: 2026-03-10 08:30 UTC in release backend@1.2.0+abc');
  });

  it('shows at most 10 in-app frames, most recent call first, in a code block', () => {
    const block = description.content.find((node) => node.type === 'codeBlock');
    if (block?.type !== 'codeBlock') throw new Error('no code block');
    const lines = block.content[0]?.text.split('\n') ?? [];
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('at app11 (src/app11.js:12)');
    expect(lines[9]).toBe('at app2 (src/app2.js:3)');
    expect(lines.join('\n')).not.toContain('libraryInternals');
    expect(allText(description)).toContain('Top 10 in-app frames, most recent call first.');
  });

  it('links back to Sentry', () => {
    expect(links(description)).toEqual([
      { text: 'BACKEND-3F', href: 'https://acme.sentry.io/issues/4509/' },
      { text: 'Open BACKEND-3F in Sentry', href: 'https://acme.sentry.io/issues/4509/' },
    ]);
  });

  it('stays valid with nothing optional: no culprit, releases, frames or usable permalink', () => {
    const bare = buildSentryIssueDescription({
      issue: issue({ culprit: null, firstRelease: null, lastRelease: null, permalink: '', title: '' }),
      frames: [],
    });
    expectValidAdf(bare);
    const body = allText(bare);
    expect(body).not.toContain('Culprit');
    expect(body).toContain('First seen: 2026-03-01 10:00 UTC');
    expect(body).not.toContain('in release');
    expect(body).toContain('No stack trace is available for the latest event.');
    expect(links(bare)).toEqual([]);
  });

  it('never links to a non-http address', () => {
    const hostile = buildSentryIssueDescription({
      issue: issue({ permalink: 'javascript:alert(1)' }),
      frames: [],
    });
    expectValidAdf(hostile);
    expect(links(hostile)).toEqual([]);
  });

  it('falls back to the top frames when none is in-app, and says so', () => {
    const vendorOnly = buildSentryIssueDescription({
      issue: issue(),
      frames: [frame('a', false), frame('b', false)],
    });
    expectValidAdf(vendorOnly);
    expect(allText(vendorOnly)).toContain('No in-app frames; top 2 frames, most recent call first.');
    expect(allText(vendorOnly)).toContain('at b (src/b.js:10)\nat a (src/a.js:10)');
  });
});

describe('buildSentryStatusComment', () => {
  it('says who changed the status to what, with a link', () => {
    const comment = buildSentryStatusComment({
      shortId: 'BACKEND-3F',
      permalink: 'https://acme.sentry.io/issues/4509/',
      status: 'resolved',
      actorName: 'Jane Doe',
    });
    expectValidAdf(comment);
    expect(allText(comment)).toBe('Sentry status of BACKEND-3F changed to resolved by Jane Doe.');
    expect(links(comment)).toEqual([{ text: 'BACKEND-3F', href: 'https://acme.sentry.io/issues/4509/' }]);
  });

  it('names archived statuses as Sentry shows them and credits Sentry for regressions', () => {
    const archived = buildSentryStatusComment({
      shortId: 'X-1',
      permalink: null,
      status: 'ignored',
      actorName: ' ',
    });
    expectValidAdf(archived);
    expect(allText(archived)).toBe('Sentry status of X-1 changed to archived by Sentry.');
    const regression = buildSentryStatusComment({
      shortId: 'X-1',
      permalink: null,
      status: 'unresolved',
      actorName: null,
      regression: true,
    });
    expect(allText(regression)).toBe('Sentry status of X-1 changed to unresolved (regression) by Sentry.');
  });
});

describe('extractStackFrames', () => {
  it('reads the event API answer (camelCase entries), last chained exception', () => {
    const event = {
      eventID: '9999aaaaca8b46d797c23c6077c6ff01',
      entries: [
        { type: 'breadcrumbs', data: { values: [] } },
        {
          type: 'exception',
          data: {
            values: [
              { type: 'Cause', stacktrace: { frames: [{ function: 'cause', inApp: true, lineNo: 1 }] } },
              {
                type: 'ForbiddenError',
                stacktrace: {
                  frames: [
                    {
                      function: 'ignoreOnError',
                      module: 'usr/src/node_modules/@sentry/browser/esm/helpers',
                      filename: '/usr/src/node_modules/@sentry/browser/esm/helpers.js',
                      lineNo: 71,
                      colNo: 23,
                      inApp: false,
                      context: [[71, 'return fn.apply(this, wrappedArguments);']],
                    },
                    {
                      function: 'loadUsers',
                      module: 'app/users',
                      filename: null,
                      lineNo: 12,
                      colNo: null,
                      inApp: true,
                    },
                  ],
                },
              },
            ],
          },
        },
      ],
    };
    const frames = extractStackFrames(event);
    expect(frames).toEqual([
      {
        function: 'ignoreOnError',
        module: 'usr/src/node_modules/@sentry/browser/esm/helpers',
        filename: '/usr/src/node_modules/@sentry/browser/esm/helpers.js',
        lineNo: 71,
        colNo: 23,
        inApp: false,
      },
      { function: 'loadUsers', module: 'app/users', filename: null, lineNo: 12, colNo: null, inApp: true },
    ]);
    expect(topInAppFrames(frames).frames.map(formatFrame)).toEqual(['at loadUsers (app/users:12)']);
  });

  it('reads a raw webhook event (snake_case exception)', () => {
    const event = {
      event_id: 'e4874d664c3540c1a32eab185f12c5ab',
      exception: {
        values: [
          {
            stacktrace: {
              frames: [
                {
                  function: null,
                  module: 'prod/runner',
                  abs_path: 'https://static.example.com/runner.js',
                  lineno: 1,
                  colno: 10866,
                  in_app: false,
                },
                {
                  function: 'onClick',
                  filename: '/js/app.js',
                  module: 'app',
                  lineno: 3,
                  colno: 5,
                  in_app: true,
                },
              ],
            },
          },
        ],
      },
    };
    expect(extractStackFrames(event).map(formatFrame)).toEqual([
      'at <anonymous> (https://static.example.com/runner.js:1:10866) in prod/runner',
      'at onClick (/js/app.js:3:5) in app',
    ]);
  });

  it('falls back to the crashed thread, then a bare stack trace, and gives [] for anything else', () => {
    const threads = {
      entries: [
        {
          type: 'threads',
          data: {
            values: [
              { crashed: false, stacktrace: { frames: [{ function: 'idle', inApp: false }] } },
              { crashed: true, stacktrace: { frames: [{ function: 'crash', inApp: true }] } },
            ],
          },
        },
      ],
    };
    expect(extractStackFrames(threads).map((f) => f.function)).toEqual(['crash']);
    const bare = { entries: [{ type: 'stacktrace', data: { frames: [{ function: 'logged', lineNo: 5 }] } }] };
    expect(extractStackFrames(bare).map((f) => f.function)).toEqual(['logged']);
    expect(extractStackFrames(null)).toEqual([]);
    expect(extractStackFrames('event')).toEqual([]);
    expect(extractStackFrames({ entries: [{ type: 'message', data: { formatted: 'hi' } }] })).toEqual([]);
    expect(extractStackFrames({ entries: 'nope' })).toEqual([]);
  });
});

describe('formatting helpers', () => {
  it('formats counts and times deterministically', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(formatUtc('2026-03-01T10:00:59.999Z')).toBe('2026-03-01 10:00 UTC');
    expect(formatUtc('2026-03-01T12:00:00+02:00')).toBe('2026-03-01 10:00 UTC');
    expect(formatUtc('not a date')).toBe('not a date');
    expect(formatUtc(null)).toBeNull();
  });

  it('keeps frame lines readable and bounded', () => {
    expect(
      formatFrame({ function: null, module: null, filename: null, lineNo: null, colNo: null, inApp: null }),
    ).toBe('at <anonymous> (<unknown>)');
    const long = formatFrame({ ...frame('x', true), filename: 'a/'.repeat(400) });
    expect(long.length).toBe(300);
    expect(long.endsWith('…')).toBe(true);
  });

  it('only accepts http(s) links', () => {
    expect(safeHref('https://acme.sentry.io/issues/1/')).toBe('https://acme.sentry.io/issues/1/');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('/issues/1/')).toBeNull();
    expect(safeHref(null)).toBeNull();
  });
});

describe('summary and labels', () => {
  it('makes a one-line summary of at most 255 characters', () => {
    expect(sentryIssueSummary({ title: 'Error:\n  boom\tnow', shortId: 'X-1' })).toBe('Error: boom now');
    expect(sentryIssueSummary({ title: '   ', shortId: 'X-1' })).toBe('Sentry issue X-1');
    const long = sentryIssueSummary({ title: 'x'.repeat(400), shortId: 'X-1' });
    expect(long).toHaveLength(255);
    expect(long.endsWith('…')).toBe(true);
  });

  it('sanitises free text into Jira labels', () => {
    expect(sanitizeJiraLabel('  Payments API ')).toBe('payments-api');
    expect(sanitizeJiraLabel('Web  -  Shop')).toBe('web-shop');
    expect(sanitizeJiraLabel('   ')).toBeNull();
    expect(sanitizeJiraLabel('a'.repeat(300))).toHaveLength(255);
  });

  it('labels sentry, the level and the product, without repeats', () => {
    expect(buildSentryLabels('fatal', 'Payments API')).toEqual(['sentry', 'level-fatal', 'payments-api']);
    expect(buildSentryLabels('error', null, ['sentry', 'on-call'])).toEqual([
      'sentry',
      'level-error',
      'on-call',
    ]);
    for (const label of buildSentryLabels('warning', ' Mobile App  iOS ', ['Team X']))
      expect(label).not.toMatch(/\s/);
  });
});
