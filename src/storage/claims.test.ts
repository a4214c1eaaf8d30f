import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { claimOnce, completeClaim, getClaim, listClaimsPage, releaseClaim } from './claims';
import { claimKey } from './keys';

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

  it('expires after its TTL when given one', async () => {
    expect(await claimOnce(key, { ttlSeconds: 60 })).toBe(true);
    runtime.clock.advance(30_000);
    expect(await claimOnce(key, { ttlSeconds: 60 })).toBe(false);
    runtime.clock.advance(31_000);
    expect(await claimOnce(key, { ttlSeconds: 60 })).toBe(true);
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
