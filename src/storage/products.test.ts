import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { StorageConflictError, StorageNotFoundError, StorageValidationError } from './errors';
import {
  findProductIdForSentryProject,
  findProductIdsForJiraProject,
  getProductMapping,
  setProductMapping,
} from './mappings';
import {
  MAX_PRODUCT_DEPTH,
  createProduct,
  deleteProduct,
  getProduct,
  listChildProducts,
  listProductSubtree,
  listProducts,
  listProductsPage,
  updateProduct,
} from './products';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

const at = new Date('2026-02-01T10:00:00.000Z');

async function tree(): Promise<void> {
  // platform ─┬─ checkout ── payments
  //           └─ search
  await createProduct({ id: 'platform', name: 'Platform', priority: 'critical' }, at);
  await createProduct({ id: 'checkout', name: 'Checkout', parentId: 'platform' }, at);
  await createProduct({ id: 'payments', name: 'Payments', parentId: 'checkout', owningTeam: 'Team Pay' }, at);
  await createProduct({ id: 'search', name: 'Search', parentId: 'platform' }, at);
}

describe('creating products', () => {
  it('stores a product with defaults', async () => {
    const product = await createProduct({ name: '  Billing  ' }, at);
    expect(product).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Billing',
      parentId: null,
      priority: 'medium',
      owningTeam: null,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    expect(await getProduct(product.id)).toEqual(product);
  });

  it('keeps a description only when there is one, and a change can replace or remove it', async () => {
    const product = await createProduct({ id: 'd', name: 'Docs', description: '  What we ship  ' }, at);
    expect(product.description).toBe('What we ship');
    expect((await updateProduct('d', { description: 'Shipped docs' }, at)).description).toBe('Shipped docs');
    expect((await updateProduct('d', { name: 'Docs site' }, at)).description).toBe('Shipped docs');
    expect(await updateProduct('d', { description: '' }, at)).not.toHaveProperty('description');
    expect(await getProduct('d')).not.toHaveProperty('description');
    await expect(updateProduct('d', { description: 'x'.repeat(1_001) })).rejects.toThrow(/description/);
  });

  it('refuses an unknown parent and writes nothing', async () => {
    const error = await createProduct({ id: 'x', name: 'X', parentId: 'ghost' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageNotFoundError);
    expect((error as Error).message).toMatch(/no product "ghost" to use as parent/);
    expect((error as StorageValidationError).field).toBe('parentId');
    expect(runtime.kvs.size).toBe(0);
  });

  it('refuses an empty name, a bad priority and a duplicate id', async () => {
    await expect(createProduct({ name: '   ' })).rejects.toThrow(
      /name is not valid: give the product a name/,
    );
    await expect(createProduct({ name: 'A', priority: 'urgent' as never })).rejects.toThrow(
      StorageValidationError,
    );
    await createProduct({ id: 'a', name: 'A' });
    await expect(createProduct({ id: 'a', name: 'Again' })).rejects.toThrow(StorageConflictError);
    expect((await getProduct('a'))?.name).toBe('A');
  });

  it('refuses an id too long for a key before writing', async () => {
    await expect(createProduct({ id: 'p'.repeat(600), name: 'Long' })).rejects.toThrow(
      /product id .* Use a shorter product id/s,
    );
    expect(runtime.kvs.size).toBe(0);
  });
});

describe('changing products', () => {
  it('updates fields and moves a product to a valid parent', async () => {
    await tree();
    const later = new Date('2026-02-02T00:00:00.000Z');
    const moved = await updateProduct(
      'payments',
      { parentId: 'search', priority: 'high', owningTeam: null },
      later,
    );
    expect(moved).toMatchObject({
      parentId: 'search',
      priority: 'high',
      owningTeam: null,
      updatedAt: later.toISOString(),
    });
    expect(moved.createdAt).toBe(at.toISOString());
    expect(await getProduct('payments')).toEqual(moved);
  });

  it('refuses a move that would make a cycle and changes nothing', async () => {
    await tree();
    const before = runtime.kvs.dump().data;
    const error = await updateProduct('platform', { parentId: 'payments' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageValidationError);
    expect((error as Error).message).toMatch(
      /Moving product "Platform" under "Payments" would make a cycle: "Payments" is inside "Platform"/,
    );
    expect(runtime.kvs.dump().data).toEqual(before);
  });

  it('refuses a product as its own parent', async () => {
    await tree();
    await expect(updateProduct('search', { parentId: 'search' })).rejects.toThrow(/cannot be its own parent/);
  });

  it('refuses a move under a parent that does not exist', async () => {
    await tree();
    await expect(updateProduct('search', { parentId: 'ghost' })).rejects.toThrow(StorageNotFoundError);
    expect((await getProduct('search'))?.parentId).toBe('platform');
  });

  it('refuses a change to a product that does not exist', async () => {
    await expect(updateProduct('ghost', { name: 'X' })).rejects.toThrow(StorageNotFoundError);
  });

  it('moves a product to the top level', async () => {
    await tree();
    expect((await updateProduct('payments', { parentId: null })).parentId).toBeNull();
  });

  it(`refuses a tree deeper than ${MAX_PRODUCT_DEPTH} levels`, async () => {
    await createProduct({ id: 'l0', name: 'L0' });
    for (let level = 1; level < MAX_PRODUCT_DEPTH; level++) {
      await createProduct({ id: `l${level}`, name: `L${level}`, parentId: `l${level - 1}` });
    }
    await expect(
      createProduct({ id: 'deep', name: 'Deep', parentId: `l${MAX_PRODUCT_DEPTH - 1}` }),
    ).rejects.toThrow(/levels deep/);
  });
});

describe('listing products', () => {
  it('lists children and subtrees', async () => {
    await tree();
    expect((await listChildProducts('platform')).map((product) => product.id).sort()).toEqual([
      'checkout',
      'search',
    ]);
    expect((await listProductSubtree('checkout')).map((product) => product.id)).toEqual([
      'checkout',
      'payments',
    ]);
    expect(await listProductSubtree('ghost')).toEqual([]);
  });

  it('lists every product across query pages and page by page', async () => {
    for (let index = 0; index < 42; index++)
      await createProduct({ id: `p${String(index).padStart(2, '0')}`, name: `P${index}` });
    expect(await listProducts()).toHaveLength(42);
    expect((await listProductsPage()).items).toHaveLength(42);
    const first = await listProductsPage({ limit: 20 });
    expect(first.items).toHaveLength(20);
    const second = await listProductsPage({ cursor: first.cursor, limit: 20 });
    const third = await listProductsPage({ cursor: second.cursor, limit: 20 });
    expect(third.items.map((product) => product.id)).toEqual(['p40', 'p41']);
    expect(third.cursor).toBeNull();
  });
});

describe('deleting products', () => {
  it('refuses while children exist, naming them, and changes nothing', async () => {
    await tree();
    const before = runtime.kvs.dump().data;
    await expect(deleteProduct('platform')).rejects.toThrow(
      /Product "Platform" still has 2 child product\(s\): .*"Checkout".*Move them to another parent or delete them first/,
    );
    expect(runtime.kvs.dump().data).toEqual(before);
  });

  it('deletes a leaf product with its mapping and reverse indexes', async () => {
    await tree();
    await setProductMapping('payments', {
      jiraProjectIds: ['10000'],
      sentryProjects: [{ connectionId: 's', projectId: '1', projectSlug: 'pay-api' }],
      sonarProjects: [],
    });
    expect(await deleteProduct('payments')).toBe(true);
    expect(await getProduct('payments')).toBeUndefined();
    expect(await getProductMapping('payments')).toBeUndefined();
    expect(await findProductIdsForJiraProject('10000')).toEqual([]);
    expect(await findProductIdForSentryProject('s', '1')).toBeUndefined();
    expect(Object.keys(runtime.kvs.dump().data).filter((key) => key.includes('payments'))).toEqual([]);
  });

  it('answers false for a product that does not exist', async () => {
    expect(await deleteProduct('ghost')).toBe(false);
  });
});
