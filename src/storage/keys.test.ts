import { StorageValidationError } from './errors';
import {
  KVS_KEY_MAX_LENGTH,
  KVS_KEY_PATTERN,
  assertValidKey,
  claimKey,
  connectionSecretKey,
  decodeKeyComponent,
  encodeKeyComponent,
  historyKey,
  historyPrefix,
  idAfterPrefix,
  jiraLinkKey,
  jiraProjectIndexKey,
  jiraProjectIndexPrefix,
  productKey,
  reverseTimestamp,
  sentryLinkKey,
  sentryLinkPrefix,
  sonarProjectIndexKey,
  sonarSnapshotKey,
  syncLogKey,
} from './keys';

function errorOf(fn: () => unknown): StorageValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StorageValidationError) return error;
    throw error;
  }
  throw new Error('expected a StorageValidationError');
}

describe('key components', () => {
  const awkward = [
    'plain-id_1.0',
    'feature/login',
    'my-org:my-project',
    'a#b',
    '#23',
    '%2F',
    ' leading and trailing ',
    'tab\there',
    'ünïcødé 🚀',
    '..',
    ':',
  ];

  it.each(awkward)('encodes %p reversibly into the KVS alphabet without separators', (id) => {
    const encoded = encodeKeyComponent(id);
    expect(decodeKeyComponent(encoded)).toBe(id);
    expect(encoded).toMatch(/^[A-Za-z0-9._#-]+$/);
    expect(encoded).not.toContain(':');
    expect(KVS_KEY_PATTERN.test(`x:${encoded}`)).toBe(true);
  });

  it('leaves ids that are already safe unchanged', () => {
    expect(encodeKeyComponent('10001')).toBe('10001');
    expect(encodeKeyComponent('my_org-project.web')).toBe('my_org-project.web');
  });

  it('escapes characters with # and hex bytes', () => {
    expect(encodeKeyComponent('feature/login')).toBe('feature#2Flogin');
    expect(encodeKeyComponent('a:b')).toBe('a#3Ab');
    expect(encodeKeyComponent('#')).toBe('#23');
  });

  it('gives different ids different encodings', () => {
    const encodings = new Set(['a/b', 'a#2Fb', 'a:b', 'a b', 'a_b'].map((id) => encodeKeyComponent(id)));
    expect(encodings.size).toBe(5);
  });

  it('refuses an empty id and names it', () => {
    const error = errorOf(() => productKey(''));
    expect(error.message).toMatch(/product id is empty/);
    expect(error.field).toBe('product id');
  });

  it('refuses malformed encodings when decoding', () => {
    expect(() => decodeKeyComponent('a:b')).toThrow(StorageValidationError);
    expect(() => decodeKeyComponent('#zz')).toThrow(StorageValidationError);
    expect(() => decodeKeyComponent('#FF')).toThrow(/UTF-8/);
  });
});

describe('key length and alphabet', () => {
  it('accepts a key of exactly 500 characters and refuses 501', () => {
    expect(assertValidKey('k'.repeat(KVS_KEY_MAX_LENGTH))).toHaveLength(500);
    expect(() => assertValidKey('k'.repeat(KVS_KEY_MAX_LENGTH + 1))).toThrow(
      /501 characters long; KVS allows 500/,
    );
  });

  it('refuses characters outside the KVS alphabet and all-blank keys', () => {
    expect(() => assertValidKey('a/b')).toThrow(StorageValidationError);
    expect(() => assertValidKey('   ')).toThrow(StorageValidationError);
  });

  it('names the id that makes a key too long', () => {
    const error = errorOf(() => sonarProjectIndexKey('conn-1', 'p'.repeat(480), 'main'));
    expect(error.field).toBe('SonarCloud project key');
    expect(error.message).toMatch(/SonarCloud project key .* makes the storage key \d+ characters long/);
    expect(error.message).toMatch(/Use a shorter SonarCloud project key/);
  });

  it('counts the encoded length, since escaping makes ids longer', () => {
    // 170 slashes are 170 characters but encode to 510.
    const error = errorOf(() => sonarSnapshotKey('c', 'k', '/'.repeat(170)));
    expect(error.field).toBe('branch');
  });
});

describe('key shapes', () => {
  it('builds the documented layouts', () => {
    expect(productKey('p1')).toBe('product:p1');
    expect(sentryLinkKey('123', '10001')).toBe('link:sentry:123:10001');
    expect(jiraLinkKey('10001', '123')).toBe('link:jira:10001:123');
    expect(sonarSnapshotKey('c1', 'org:proj', 'feature/x')).toBe('snap:sonar:c1:org#3Aproj:feature#2Fx');
    expect(jiraProjectIndexKey('10000', 'p1')).toBe('mapidx:jira:10000:p1');
    expect(connectionSecretKey('c1')).toBe('secret:conn:c1');
    expect(historyKey({ kind: 'product', productId: 'p1' }, '2026-01-31')).toBe('hist:product:p1:2026-01-31');
  });

  it('ends prefixes with the separator so one id never matches another by its start', () => {
    const prefix = sentryLinkPrefix('12');
    expect(sentryLinkKey('12', '1').startsWith(prefix)).toBe(true);
    expect(sentryLinkKey('123', '1').startsWith(prefix)).toBe(false);
  });

  it('reads the last id back from a key listed under a prefix', () => {
    const prefix = jiraProjectIndexPrefix('10000');
    expect(idAfterPrefix(jiraProjectIndexKey('10000', 'team/a b'), prefix)).toBe('team/a b');
    expect(() => idAfterPrefix('other:x', prefix)).toThrow(StorageValidationError);
  });

  it('keeps history series apart', () => {
    const sonar = historyPrefix({
      kind: 'sonar-project',
      connectionId: 'c',
      projectKey: 'k',
      branch: 'main',
    });
    const other = historyKey(
      { kind: 'sonar-project', connectionId: 'c', projectKey: 'k', branch: 'main2' },
      '2026-01-01',
    );
    expect(other.startsWith(sonar)).toBe(false);
  });

  it('refuses impossible history dates', () => {
    expect(() => historyKey({ kind: 'product', productId: 'p' }, '2026-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => historyKey({ kind: 'product', productId: 'p' }, '26-1-1')).toThrow(StorageValidationError);
  });
});

describe('sync log order', () => {
  it('sorts newer entries before older ones', () => {
    const keys = ['2026-01-01T00:00:00.000Z', '2026-03-01T12:00:00.000Z', '2025-12-31T23:59:59.999Z'].map(
      (at) => syncLogKey(at, 'e'),
    );
    expect([...keys].sort()).toEqual([keys[1], keys[0], keys[2]]);
  });

  it('keeps a fixed width so string order is time order', () => {
    expect(reverseTimestamp('1970-01-01T00:00:00.001Z')).toHaveLength(13);
    expect(reverseTimestamp('2200-01-01T00:00:00.000Z')).toHaveLength(13);
  });

  it('refuses a time that is not ISO-8601', () => {
    expect(() => syncLogKey('yesterday', 'e')).toThrow(/not an ISO-8601 time/);
  });
});

describe('claim keys', () => {
  it('builds claim keys from a purpose and ids', () => {
    expect(claimKey('rule-create-issue', 'r1', '42')).toBe('claim:rule-create-issue:r1:42');
  });

  it('refuses a purpose that is not lower-case words, and a claim on nothing', () => {
    expect(() => claimKey('Rule Create', 'x')).toThrow(/lower-case words/);
    expect(() => claimKey('rule-create-issue')).toThrow(/at least one id/);
  });
});
