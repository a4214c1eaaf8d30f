import type { AutomationRule, Product, ProductMapping } from './model';
import {
  checkProductDraft,
  cleanProductDraft,
  MAX_PRODUCT_DEPTH,
  normalizeProductName,
  planProductDeletion,
  PRODUCT_DESCRIPTION_MAX,
  PRODUCT_NAME_MAX,
  PRODUCT_TEAM_MAX,
  type ProductDraft,
} from './products';

const at = '2026-01-01T00:00:00.000Z';

function product(id: string, name: string, parentId: string | null = null): Product {
  return { id, name, parentId, priority: 'medium', owningTeam: null, createdAt: at, updatedAt: at };
}

function draft(overrides: Partial<ProductDraft> = {}): ProductDraft {
  return {
    name: 'Checkout',
    description: null,
    parentId: null,
    priority: 'medium',
    owningTeam: null,
    ...overrides,
  };
}

// platform ─ shop ─ checkout
//          └ search
// mobile
const tree = [
  product('platform', 'Platform'),
  product('shop', 'Shop', 'platform'),
  product('checkout', 'Checkout', 'shop'),
  product('search', 'Search', 'platform'),
  product('mobile', 'Mobile'),
];

const fields = (problems: ReturnType<typeof checkProductDraft>) => problems.map((problem) => problem.field);

describe('checkProductDraft', () => {
  it('accepts a new product with a unique name and an existing parent', () => {
    expect(checkProductDraft(draft({ name: 'Payments', parentId: 'shop' }), tree, null)).toEqual([]);
  });

  it('refuses an empty or blank name', () => {
    expect(checkProductDraft(draft({ name: '   ' }), tree, null)).toEqual([
      { field: 'name', message: 'Give the product a name.' },
    ]);
  });

  it(`refuses a name over ${PRODUCT_NAME_MAX} characters, saying how long it is`, () => {
    const problems = checkProductDraft(draft({ name: 'x'.repeat(PRODUCT_NAME_MAX + 1) }), tree, null);
    expect(problems).toEqual([
      { field: 'name', message: expect.stringContaining(`${PRODUCT_NAME_MAX + 1}`) },
    ]);
    expect(checkProductDraft(draft({ name: 'x'.repeat(PRODUCT_NAME_MAX) }), tree, null)).toEqual([]);
  });

  it('refuses a duplicate name under the same parent, whatever the case and spacing', () => {
    const problems = checkProductDraft(draft({ name: '  checkout ', parentId: 'shop' }), tree, null);
    expect(problems).toEqual([
      { field: 'name', message: 'There is already a product "Checkout" under "Shop"; pick another name.' },
    ]);
    expect(checkProductDraft(draft({ name: 'MOBILE' }), tree, null)).toEqual([
      { field: 'name', message: expect.stringContaining('at the top level') },
    ]);
  });

  it('allows the same name under another parent, and a product keeping its own name', () => {
    expect(checkProductDraft(draft({ name: 'Checkout', parentId: 'mobile' }), tree, null)).toEqual([]);
    expect(checkProductDraft(draft({ name: 'Checkout', parentId: 'shop' }), tree, 'checkout')).toEqual([]);
  });

  it('refuses a move into the product itself or its own subtree (a cycle), naming both', () => {
    expect(checkProductDraft(draft({ name: 'Shop', parentId: 'shop' }), tree, 'shop')).toEqual([
      { field: 'parentId', message: '"Shop" cannot be its own parent; pick another.' },
    ]);
    const problems = checkProductDraft(draft({ name: 'Platform', parentId: 'checkout' }), tree, 'platform');
    expect(fields(problems)).toEqual(['parentId']);
    expect(problems[0]?.message).toMatch(/"Checkout" is inside "Platform".*loop/);
  });

  it('refuses a parent that does not exist', () => {
    expect(fields(checkProductDraft(draft({ parentId: 'gone' }), tree, null))).toEqual(['parentId']);
  });

  it(`refuses a tree deeper than ${MAX_PRODUCT_DEPTH} levels, counting the subtree that moves`, () => {
    const chain = Array.from({ length: MAX_PRODUCT_DEPTH }, (_, level) =>
      product(`l${level}`, `Level ${level}`, level === 0 ? null : `l${level - 1}`),
    );
    const deepest = `l${MAX_PRODUCT_DEPTH - 1}`;
    expect(fields(checkProductDraft(draft({ name: 'One more', parentId: deepest }), chain, null))).toEqual([
      'parentId',
    ]);
    expect(
      checkProductDraft(draft({ name: 'Fits', parentId: `l${MAX_PRODUCT_DEPTH - 2}` }), chain, null),
    ).toEqual([]);
    // A two-level subtree moved under the second-deepest level would end one level too deep.
    const withSubtree = [...chain, product('top', 'Top'), product('below', 'Below', 'top')];
    expect(
      fields(
        checkProductDraft(draft({ name: 'Top', parentId: `l${MAX_PRODUCT_DEPTH - 2}` }), withSubtree, 'top'),
      ),
    ).toEqual(['parentId']);
  });

  it('bounds the description and the team name, and refuses an unknown priority', () => {
    const problems = checkProductDraft(
      draft({
        description: 'd'.repeat(PRODUCT_DESCRIPTION_MAX + 1),
        owningTeam: 't'.repeat(PRODUCT_TEAM_MAX + 1),
        priority: 'urgent' as ProductDraft['priority'],
      }),
      tree,
      null,
    );
    expect(fields(problems)).toEqual(['priority', 'description', 'owningTeam']);
  });

  it('cleans a draft: one space between words, empty optional texts become null', () => {
    expect(
      cleanProductDraft(draft({ name: ' Web \n shop ', description: '  ', owningTeam: ' Web ' })),
    ).toEqual(draft({ name: 'Web shop', description: null, owningTeam: 'Web' }));
    expect(normalizeProductName('\tA   B ')).toBe('A B');
  });
});

describe('planProductDeletion', () => {
  const mapping: ProductMapping = {
    productId: 'shop',
    jiraProjectIds: ['10000'],
    sentryProjects: [{ connectionId: 'sentry', projectId: '1', projectSlug: 'web' }],
    sonarProjects: [{ connectionId: 'sonar', projectKey: 'acme_web', branch: 'main' }],
    updatedAt: at,
  };
  const rule = (id: string, scope: AutomationRule['scope']): AutomationRule => ({
    id,
    name: `Rule ${id}`,
    scope,
    trigger: { source: 'sentry', kind: 'new-issue' },
    action: { jiraProjectId: '10000', issueTypeId: '1', priorityId: null, labels: [], componentIds: [] },
    enabled: true,
    createdAt: at,
    updatedAt: at,
  });

  it('moves the children up to the parent, unassigns what it maps and takes its rules along', () => {
    const plan = planProductDeletion('shop', tree, mapping, [
      rule('r1', { productId: 'shop' }),
      rule('r2', { productId: 'platform' }),
      rule('r3', { jiraProjectId: '10000' }),
    ]);
    expect(plan?.children.map((child) => child.id)).toEqual(['checkout']);
    expect(plan?.newParent?.id).toBe('platform');
    expect(plan?.mapping.sentryProjects).toEqual(mapping.sentryProjects);
    expect(plan?.rules).toEqual([{ id: 'r1', name: 'Rule r1' }]);
    expect(plan?.blockers).toEqual([]);
  });

  it('moves the children of a top-level product to the top level', () => {
    const plan = planProductDeletion('platform', tree, undefined, []);
    expect(plan?.newParent).toBeNull();
    expect(plan?.children.map((child) => child.name)).toEqual(['Search', 'Shop']);
    expect(plan?.mapping).toEqual({ jiraProjectIds: [], sentryProjects: [], sonarProjects: [] });
  });

  it('is blocked when a child would land next to a product of the same name', () => {
    const clash = [...tree, product('mobile-shop', 'Shop', 'mobile'), product('top-shop', 'shop')];
    const plan = planProductDeletion('mobile', clash, undefined, []);
    expect(plan?.blockers).toEqual([
      '"Shop" would move at the top level, where a product "shop" already is: rename one of them first.',
    ]);
  });

  it('answers undefined for a product that does not exist', () => {
    expect(planProductDeletion('gone', tree, undefined, [])).toBeUndefined();
  });
});
