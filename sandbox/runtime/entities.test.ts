import * as path from 'node:path';
import { kvs, Filter, FilterConditions, WhereConditions, ForgeKvsAPIError, Sort } from '@forge/kvs';
import { RuntimeClock } from './clock';
import { createTestRuntime, type LocalForgeRuntime } from './index';

const manifestPath = path.join(__dirname, 'fixtures', 'entities-manifest.yml');

interface SyncJob {
  project: string;
  state: string;
  attempts: number;
}

async function kvsError(promise: Promise<unknown>): Promise<ForgeKvsAPIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ForgeKvsAPIError) return error;
    throw error;
  }
  throw new Error('expected the KVS call to fail');
}

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime({ manifestPath });
});

describe('custom entities', () => {
  it('stores, reads and deletes an entity apart from plain keys', async () => {
    const jobs = kvs.entity<SyncJob>('sync-job');
    await jobs.set('job-1', { project: 'web', state: 'queued', attempts: 0 });
    expect(await jobs.get('job-1')).toEqual({ project: 'web', state: 'queued', attempts: 0 });
    expect(await kvs.get('job-1')).toBeUndefined();
    await jobs.delete('job-1');
    expect(await jobs.get('job-1')).toBeUndefined();
  });

  it('refuses undeclared entities, undeclared attributes and wrong attribute types', async () => {
    expect((await kvsError(kvs.entity('not-declared').set('a', {}))).code).toBe('INVALID_ENTITY_TYPE');
    expect((await kvsError(kvs.entity('sync-job').set('a', { color: 'red' }))).code).toBe(
      'INVALID_ENTITY_VALUE',
    );
    expect((await kvsError(kvs.entity('sync-job').set('a', { attempts: 1.5 }))).code).toBe(
      'INVALID_ENTITY_VALUE',
    );
  });

  it('queries an index with partition, range, filters, sort and cursor', async () => {
    const jobs = kvs.entity<SyncJob>('sync-job');
    for (let i = 0; i < 6; i += 1)
      await jobs.set(`web-${i}`, { project: 'web', state: i % 2 ? 'done' : 'queued', attempts: i });
    await jobs.set('api-0', { project: 'api', state: 'queued', attempts: 9 });
    const first = await jobs
      .query()
      .index('by-project', { partition: ['web'] })
      .where(WhereConditions.greaterThan(0))
      .filters(new Filter<SyncJob>().and('state', FilterConditions.equalTo('done')))
      .sort(Sort.DESC)
      .limit(2)
      .getMany();
    expect(first.results.map((result) => result.key)).toEqual(['web-5', 'web-3']);
    const rest = await jobs
      .query()
      .index('by-project', { partition: ['web'] })
      .where(WhereConditions.greaterThan(0))
      .filters(new Filter<SyncJob>().and('state', FilterConditions.equalTo('done')))
      .sort(Sort.DESC)
      .limit(2)
      .cursor(first.nextCursor ?? '')
      .getMany();
    expect(rest.results.map((result) => result.key)).toEqual(['web-1']);
    expect(rest.nextCursor).toBeUndefined();
    expect((await kvsError(jobs.query().index('missing').getMany())).code).toBe('INVALID_ENTITY_INDEX');
  });

  it('answers entity queries from a lagging view while get sees every write (queryLagMs)', async () => {
    runtime = createTestRuntime({
      manifestPath,
      clock: new RuntimeClock(() => Date.UTC(2026, 0, 1)),
      kvs: { queryLagMs: 5_000 },
    });
    const jobs = kvs.entity<SyncJob>('sync-job');
    const webJobs = async (): Promise<string[]> =>
      (
        await jobs
          .query()
          .index('by-project', { partition: ['web'] })
          .getMany()
      ).results.map((r) => r.key);
    await jobs.set('web-1', { project: 'web', state: 'queued', attempts: 0 });
    expect(await jobs.get('web-1')).toMatchObject({ state: 'queued' });
    expect(await webJobs()).toEqual([]);
    runtime.clock.advance(5_000);
    expect(await webJobs()).toEqual(['web-1']);
    await jobs.delete('web-1');
    expect(await jobs.get('web-1')).toBeUndefined();
    expect(await webJobs()).toEqual(['web-1']);
    runtime.clock.advance(5_000);
    expect(await webJobs()).toEqual([]);
  });
});

describe('transactions with conditions', () => {
  it('commits when every condition holds', async () => {
    const jobs = kvs.entity<SyncJob>('sync-job');
    await jobs.set('job-1', { project: 'web', state: 'queued', attempts: 0 });
    await kvs
      .transact()
      .set(
        'job-1',
        { project: 'web', state: 'running', attempts: 1 },
        {
          entityName: 'sync-job',
          conditions: new Filter<SyncJob>().and('state', FilterConditions.equalTo('queued')),
        },
      )
      .set('claimed:job-1', 'worker-a')
      .execute();
    expect(await jobs.get('job-1')).toMatchObject({ state: 'running' });
    expect(await kvs.get('claimed:job-1')).toBe('worker-a');
  });

  it('is all-or-nothing: one failed condition leaves every key untouched', async () => {
    const jobs = kvs.entity<SyncJob>('sync-job');
    await jobs.set('job-1', { project: 'web', state: 'queued', attempts: 0 });
    await jobs.set('job-2', { project: 'web', state: 'running', attempts: 3 });
    await kvs.set('claimed:job-0', 'old');
    const error = await kvsError(
      kvs
        .transact()
        .set(
          'job-1',
          { project: 'web', state: 'running', attempts: 1 },
          {
            entityName: 'sync-job',
            conditions: new Filter<SyncJob>().and('state', FilterConditions.equalTo('queued')),
          },
        )
        .delete('claimed:job-0')
        .check('job-2', {
          entityName: 'sync-job',
          conditions: new Filter<SyncJob>().and('state', FilterConditions.equalTo('queued')),
        })
        .execute(),
    );
    // The REST reference (api-group-transaction) lists CONDITIONAL_CHECK_FAILED among the 400 answers.
    expect(error.code).toBe('CONDITIONAL_CHECK_FAILED');
    expect(error.responseDetails.status).toBe(400);
    expect(await jobs.get('job-1')).toMatchObject({ state: 'queued', attempts: 0 });
    expect(await kvs.get('claimed:job-0')).toBe('old');
    expect(runtime.kvs.dump().entities['sync-job']).toEqual({
      'job-1': { project: 'web', state: 'queued', attempts: 0 },
      'job-2': { project: 'web', state: 'running', attempts: 3 },
    });
  });

  it('treats a missing entity as having no attributes (NOT_EXISTS holds, EQUAL_TO fails)', async () => {
    await kvs
      .transact()
      .set(
        'job-9',
        { project: 'web', state: 'queued', attempts: 0 },
        {
          entityName: 'sync-job',
          conditions: new Filter<SyncJob>().and('state', FilterConditions.notExists()),
        },
      )
      .execute();
    expect(await kvs.entity('sync-job').get('job-9')).toMatchObject({ state: 'queued' });
    const error = await kvsError(
      kvs
        .transact()
        .check('job-404', {
          entityName: 'sync-job',
          conditions: new Filter<SyncJob>().and('state', FilterConditions.equalTo('queued')),
        })
        .execute(),
    );
    expect(error.code).toBe('CONDITIONAL_CHECK_FAILED');
  });
});
