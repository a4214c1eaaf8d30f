import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { claimOnce, completeClaim, getClaim, listClaimsPage, releaseClaim, type ClaimRecord } from './claims';
import { claimKey, claimTakeoverKey } from './keys';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

const key = claimKey('rule-create-issue', 'rule-1', '500');

describe('claimOnce', () => {
  it('lets the first caller claim and refuses the rest', async () => {
    expect(await claimOnce(key)).toBe(true);
    expect(await claimOnce(key)).toBe(false);
    expect(await claimOnce(claimKey('rule-create-issue', 'rule-1', '501'))).toBe(true);
  });

  it('lets exactly one of many concurrent callers claim', async () => {
    const results = await Promise.all([...Array(12).keys()].map(() => claimOnce(key)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('can be released after a failed action and claimed again', async () => {
    await claimOnce(key);
    await releaseClaim(key);
    expect(await claimOnce(key)).toBe(true);
  });

  it('records what the action produced', async () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    await claimOnce(key, { now });
    await completeClaim(key, { jiraIssueId: '10001' });
    expect(await getClaim(key)).toEqual({
      claimedAt: now.toISOString(),
      state: 'done',
      result: { jiraIssueId: '10001' },
    });
    await expect(completeClaim(claimKey('x', 'y'))).rejects.toThrow(/call claimOnce first/);
  });

  it('refuses keys not built by claimKey and bad TTLs', async () => {
    await expect(claimOnce('product:p1')).rejects.toThrow(/not a claim key/);
    await expect(claimOnce(key, { ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
    expect(runtime.kvs.size).toBe(0);
  });
});

describe('listClaimsPage', () => {
  it('lists the claims under a prefix with their keys, and refuses a prefix outside the claims', async () => {
    await claimOnce(claimKey('rule-fired', 'rule', 'r1', 'a'));
    await claimOnce(claimKey('rule-fired', 'rule', 'r1', 'b'));
    await claimOnce(claimKey('rule-fired', 'rule', 'r10', 'c'));
    const page = await listClaimsPage(`${claimKey('rule-fired', 'rule', 'r1')}:`);
    expect(page.items.map((item) => item.key)).toEqual([
      'claim:rule-fired:rule:r1:a',
      'claim:rule-fired:rule:r1:b',
    ]);
    expect(page.items[0]?.value.state).toBe('claimed');
    await expect(listClaimsPage('rule:')).rejects.toThrow(/not a claim key prefix/);
  });
});

describe('claims with a TTL', () => {
  const t0 = new Date('2026-01-01T00:00:00.000Z');
  const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);
  const ttl = { ttlSeconds: 60 };
  const stored = (): Promise<ClaimRecord | undefined> => kvs.get<ClaimRecord>(key);
  afterEach(() => jest.restoreAllMocks());

  it('carries its own expiry, and is taken over once that has passed though KVS still returns it', async () => {
    expect(await claimOnce(key, { ...ttl, now: t0 })).toBe(true);
    expect(await stored()).toMatchObject({ claimedAt: t0.toISOString(), expiresAt: at(60).toISOString() });
    expect(await claimOnce(key, { ...ttl, now: at(59) })).toBe(false);
    // Past its TTL on the platform too: KVS keeps returning the key (for up to 48 h) and
    // FAIL_IF_EXISTS still conflicts with it, so only the claim's own expiry frees it.
    runtime.clock.advance(61_000);
    expect(await stored()).toMatchObject({ claimedAt: t0.toISOString() });
    expect(await getClaim(key, at(61))).toBeUndefined();
    expect(await claimOnce(key, { ...ttl, now: at(61) })).toBe(true);
    expect(await getClaim(key, at(61))).toMatchObject({ claimedAt: at(61).toISOString(), state: 'claimed' });
    expect(await claimOnce(key, { ...ttl, now: at(62) })).toBe(false);
  });

  it('lets exactly one of many concurrent callers take over a lapsed claim', async () => {
    await claimOnce(key, { ...ttl, now: t0 });
    const results = await Promise.all(
      [...Array(12).keys()].map(() => claimOnce(key, { ...ttl, now: at(61) })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('takes over a takeover that lapsed before it was installed (its caller stopped)', async () => {
    await claimOnce(key, { ...ttl, now: t0 });
    const first = await stored();
    // Someone won the takeover at 61 s and stopped before writing the claim key.
    await kvs.set(claimTakeoverKey(key, first?.holder ?? ''), {
      claimedAt: at(61).toISOString(),
      state: 'claimed',
      result: null,
      expiresAt: at(121).toISOString(),
      holder: 'stopped',
    } satisfies ClaimRecord);
    expect(await claimOnce(key, { ...ttl, now: at(90) })).toBe(false);
    expect(await claimOnce(key, { ...ttl, now: at(122) })).toBe(true);
    expect(await stored()).toMatchObject({ claimedAt: at(122).toISOString() });
  });

  it('loses a takeover when a live claim got in first, and leaves that claim in place', async () => {
    await claimOnce(key, { ...ttl, now: t0 });
    const realGet = kvs.get.bind(kvs);
    jest.spyOn(kvs, 'get').mockImplementationOnce(async (...args: Parameters<typeof kvs.get>) => {
      const lapsed = await realGet(...args);
      // While this caller looks at the lapsed claim, KVS deletes it and another caller claims afresh.
      await kvs.delete(key);
      expect(await claimOnce(key, { ...ttl, now: at(62) })).toBe(true);
      return lapsed;
    });
    expect(await claimOnce(key, { ...ttl, now: at(61) })).toBe(false);
    expect(await getClaim(key, at(63))).toMatchObject({ claimedAt: at(62).toISOString() });
  });

  it('keeps its expiry when completed', async () => {
    expect(await claimOnce(key, { ttlSeconds: 3600 })).toBe(true);
    await completeClaim(key, { done: 'yes' });
    const completed = await stored();
    expect(completed).toMatchObject({ state: 'done', result: { done: 'yes' } });
    expect(completed?.expiresAt).toEqual(expect.any(String));
  });
});
