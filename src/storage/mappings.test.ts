import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import type { SentryProjectRef } from '../domain/model';
import { StorageConflictError, StorageNotFoundError, StorageValidationError } from './errors';
import { sentryProjectIndexKey } from './keys';
import {
  deleteProductMapping,
  findProductIdForSentryProject,
  findProductIdForSonarProject,
  findProductIdsForJiraProject,
  getProductMapping,
  listProductMappings,
  listProductMappingsPage,
  setProductMapping,
} from './mappings';
import { createProduct } from './products';

let runtime: LocalForgeRuntime;
beforeEach(async () => {
  runtime = createTestRuntime();
  await createProduct({ id: 'checkout', name: 'Checkout' });
  await createProduct({ id: 'search', name: 'Search' });
});

const at = new Date('2026-02-01T10:00:00.000Z');
const sentry = (projectId: string, slug = `proj-${projectId}`): SentryProjectRef => ({
  connectionId: 'sentry-us',
  projectId,
  projectSlug: slug,
});

describe('setting a mapping', () => {
  it('stores the mapping and answers the reverse lookups', async () => {
    const mapping = await setProductMapping(
      'checkout',
      {
        jiraProjectIds: ['10000', '10001', '10000'],
        sentryProjects: [sentry('1', 'checkout-api'), sentry('1', 'checkout-api')],
        sonarProjects: [
          { connectionId: 'sonar', projectKey: 'acme:checkout' },
          { connectionId: 'sonar', projectKey: 'acme:web', branch: 'release/2.x' },
        ],
      },
      {},
      at,
    );
    expect(mapping).toEqual({
      productId: 'checkout',
      jiraProjectIds: ['10000', '10001'],
      sentryProjects: [sentry('1', 'checkout-api')],
      sonarProjects: [
        { connectionId: 'sonar', projectKey: 'acme:checkout', branch: 'main' },
        { connectionId: 'sonar', projectKey: 'acme:web', branch: 'release/2.x' },
      ],
      updatedAt: at.toISOString(),
    });
    expect(await getProductMapping('checkout')).toEqual(mapping);
    expect(await findProductIdsForJiraProject('10001')).toEqual(['checkout']);
    expect(await findProductIdForSentryProject('sentry-us', '1')).toBe('checkout');
    expect(await findProductIdForSonarProject('sonar', 'acme:checkout')).toBe('checkout');
    expect(await findProductIdForSonarProject('sonar', 'acme:web', 'release/2.x')).toBe('checkout');
    expect(await findProductIdForSonarProject('sonar', 'acme:web')).toBeUndefined();
  });

  it('writes the mapping and its indexes in one transaction', async () => {
    runtime.metrics.reset();
    await setProductMapping('checkout', {
      jiraProjectIds: ['10000'],
      sentryProjects: [sentry('1')],
      sonarProjects: [],
    });
    expect(runtime.kvs.counters.byPath['/api/v1/transaction']).toBe(1);
    expect(runtime.kvs.counters.byPath['/api/v1/set']).toBeUndefined();
  });

  it('lets several products share a Jira project; the lookup is one prefix query', async () => {
    await setProductMapping('checkout', { jiraProjectIds: ['10000'], sentryProjects: [], sonarProjects: [] });
    await setProductMapping('search', {
      jiraProjectIds: ['10000', '10002'],
      sentryProjects: [],
      sonarProjects: [],
    });
    runtime.metrics.reset();
    expect((await findProductIdsForJiraProject('10000')).sort()).toEqual(['checkout', 'search']);
    expect(runtime.kvs.counters.operations).toBe(1);
  });

  it('removes index entries for projects taken out of the mapping', async () => {
    await setProductMapping('checkout', {
      jiraProjectIds: ['10000', '10001'],
      sentryProjects: [sentry('1'), sentry('2')],
      sonarProjects: [{ connectionId: 'sonar', projectKey: 'k' }],
    });
    await setProductMapping('checkout', {
      jiraProjectIds: ['10001'],
      sentryProjects: [sentry('2')],
      sonarProjects: [],
    });
    expect(await findProductIdsForJiraProject('10000')).toEqual([]);
    expect(await findProductIdsForJiraProject('10001')).toEqual(['checkout']);
    expect(await findProductIdForSentryProject('sentry-us', '1')).toBeUndefined();
    expect(await findProductIdForSentryProject('sentry-us', '2')).toBe('checkout');
    expect(await findProductIdForSonarProject('sonar', 'k')).toBeUndefined();
    expect(
      Object.keys(runtime.kvs.dump().data)
        .filter((key) => key.startsWith('mapidx:'))
        .sort(),
    ).toEqual(['mapidx:jira:10001:checkout', 'mapidx:sentry:sentry-us:2']);
  });

  it('refuses an unknown product and writes nothing', async () => {
    const before = runtime.kvs.dump().data;
    await expect(
      setProductMapping('ghost', { jiraProjectIds: ['1'], sentryProjects: [], sonarProjects: [] }),
    ).rejects.toThrow(StorageNotFoundError);
    expect(runtime.kvs.dump().data).toEqual(before);
  });

  it('refuses malformed input with the field named', async () => {
    const error = await setProductMapping('checkout', {
      jiraProjectIds: [''],
      sentryProjects: [],
      sonarProjects: [],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageValidationError);
    expect((error as StorageValidationError).field).toBe('jiraProjectIds.0');
  });

  it('refuses an id too long for a key before writing', async () => {
    const before = runtime.kvs.dump().data;
    await expect(
      setProductMapping('checkout', {
        jiraProjectIds: [],
        sentryProjects: [],
        sonarProjects: [{ connectionId: 'sonar', projectKey: 'k'.repeat(490) }],
      }),
    ).rejects.toThrow(/SonarCloud project key .* Use a shorter SonarCloud project key/s);
    expect(runtime.kvs.dump().data).toEqual(before);
  });
});

describe('one product per Sentry project or SonarCloud branch', () => {
  it('refuses a project that belongs to another product, naming it, and changes nothing', async () => {
    await setProductMapping('checkout', {
      jiraProjectIds: [],
      sentryProjects: [sentry('1', 'checkout-api')],
      sonarProjects: [],
    });
    const before = runtime.kvs.dump().data;
    const error = await setProductMapping('search', {
      jiraProjectIds: ['10005'],
      sentryProjects: [sentry('1', 'checkout-api')],
      sonarProjects: [],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageConflictError);
    expect((error as Error).message).toMatch(
      /Sentry project "checkout-api" already belongs to product "Checkout".*moveFromOtherProducts/,
    );
    expect(runtime.kvs.dump().data).toEqual(before);
  });

  it('moves the project when asked, updating both mappings', async () => {
    await setProductMapping('checkout', {
      jiraProjectIds: [],
      sentryProjects: [sentry('1'), sentry('2')],
      sonarProjects: [],
    });
    await setProductMapping(
      'search',
      { jiraProjectIds: [], sentryProjects: [sentry('1')], sonarProjects: [] },
      { moveFromOtherProducts: true },
    );
    expect(await findProductIdForSentryProject('sentry-us', '1')).toBe('search');
    expect((await getProductMapping('checkout'))?.sentryProjects).toEqual([sentry('2')]);
    expect((await getProductMapping('search'))?.sentryProjects).toEqual([sentry('1')]);
  });

  it('does not let a stale index entry block another product', async () => {
    // An entry left by an interrupted multi-transaction change: checkout's mapping does not list it.
    await kvs.set(sentryProjectIndexKey('sentry-us', '9'), { productId: 'checkout' });
    await setProductMapping('search', {
      jiraProjectIds: [],
      sentryProjects: [sentry('9')],
      sonarProjects: [],
    });
    expect(await findProductIdForSentryProject('sentry-us', '9')).toBe('search');
  });

  it('does not delete an index entry another product has taken since', async () => {
    await setProductMapping('checkout', {
      jiraProjectIds: [],
      sentryProjects: [sentry('1')],
      sonarProjects: [],
    });
    // Checkout's mapping still lists project 1, but its index entry now points at search.
    await kvs.set(sentryProjectIndexKey('sentry-us', '1'), { productId: 'search' });
    await deleteProductMapping('checkout');
    expect(await findProductIdForSentryProject('sentry-us', '1')).toBe('search');
  });
});

describe('large mappings', () => {
  it('handles more changes than one transaction holds', async () => {
    const many = [...Array(40).keys()].map((index) => sentry(String(index)));
    runtime.metrics.reset();
    await setProductMapping('checkout', {
      jiraProjectIds: ['10000'],
      sentryProjects: many,
      sonarProjects: [],
    });
    expect(runtime.kvs.counters.byPath['/api/v1/transaction']).toBe(2);
    for (const index of [0, 17, 39]) {
      expect(await findProductIdForSentryProject('sentry-us', String(index))).toBe('checkout');
    }
    await setProductMapping('checkout', {
      jiraProjectIds: [],
      sentryProjects: many.slice(0, 3),
      sonarProjects: [],
    });
    expect(Object.keys(runtime.kvs.dump().data).filter((key) => key.startsWith('mapidx:'))).toHaveLength(3);
  });
});

describe('listing and deleting mappings', () => {
  it('lists mappings and deletes one with its indexes', async () => {
    await setProductMapping('checkout', {
      jiraProjectIds: ['10000'],
      sentryProjects: [sentry('1')],
      sonarProjects: [],
    });
    await setProductMapping('search', { jiraProjectIds: ['10000'], sentryProjects: [], sonarProjects: [] });
    expect((await listProductMappings()).map((mapping) => mapping.productId)).toEqual(['checkout', 'search']);
    expect((await listProductMappingsPage({ limit: 1 })).items).toHaveLength(1);
    await deleteProductMapping('checkout');
    expect(await getProductMapping('checkout')).toBeUndefined();
    expect(await findProductIdsForJiraProject('10000')).toEqual(['search']);
    expect(await findProductIdForSentryProject('sentry-us', '1')).toBeUndefined();
  });
});
