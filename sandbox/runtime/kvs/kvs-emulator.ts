import { z } from 'zod';
import {
  checkClause,
  compareScalars,
  conditionClauseSchema,
  filtersSchema,
  matchesClause,
  matchesFilters,
  type Filters,
} from './conditions';
import { badRequest, KvsServiceError } from './kvs-errors';
import { KeySpace } from './key-space';
import { jsonByteLength, KVS_LIMITS, validateEntityName, validateKey, validateValue } from './limits';
import { loadSnapshot, writeSnapshotAtomically, type KvsSnapshot, type StoredItem } from './persistence';
import { LaggingView } from './query-view';

/** A custom entity as declared under `app.storage.entities` in manifest.yml. */
export interface EntityDefinition {
  name: string;
  attributes: Record<string, { type: string }>;
  indexes?: Array<string | { name: string; range?: string[]; partition?: string[] }>;
}

export interface KvsEmulatorOptions {
  /** Keep the store in this JSON file (written atomically after every change, loaded on start). */
  persistFile?: string;
  /** Added to every KVS call, to emulate the platform's round trip in benchmarks (about 20 ms). */
  latencyMs?: number;
  /** Clock for TTL, metadata and the per-minute counters. */
  now?: () => number;
  /** Page-size ceiling for kvs.query(); default 100 (see KVS_LIMITS.queryMaxLimit). */
  queryMaxLimit?: number;
  /**
   * How long a key stays readable after its TTL (get, batchGet and queries return it, FAIL_IF_EXISTS still
   * conflicts with it). Forge deletes expired data asynchronously, up to 48 hours later; the default is that
   * worst case, so no test can pass by leaning on a TTL to remove a key on time. 0 deletes at expiry.
   */
  expiredReadableMs?: number;
  /**
   * kvs.query and entity queries answer from the store as it was this many ms ago (Forge's queries are
   * eventually consistent; get and batchGet stay strictly consistent). Default 0: queries see every write.
   */
  queryLagMs?: number;
  /** Answer 429 RATE_LIMIT_EXCEEDED when a minute's read or write units pass Forge's quota. */
  enforceQuotas?: boolean;
  /** Custom entities from manifest.yml; entity calls for undeclared entities are refused. */
  entities?: EntityDefinition[];
}

export interface KvsCounters {
  operations: number;
  reads: number;
  writes: number;
  /** Forge meters reads and writes in 10 KB units. */
  readUnits: number;
  writeUnits: number;
  byPath: Record<string, number>;
}

/** Batch calls by kind over a minute (see KvsEmulator.batchCallsInLastMinute). */
export interface BatchCallsPerMinute {
  batchSet: number;
  batchGet: number;
  batchDelete: number;
}

const BATCH_PATHS: Record<string, keyof BatchCallsPerMinute | undefined> = {
  '/api/v1/batch/set': 'batchSet',
  '/api/v1/batch/get': 'batchGet',
  '/api/v1/batch/delete': 'batchDelete',
};

interface KvsResult {
  status: number;
  body?: unknown;
}

type Space = KeySpace;

const metadataFieldsSchema = z.array(z.enum(['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'])).optional();
const getOptionsSchema = z.object({ metadataFields: metadataFieldsSchema }).optional();
const ttlSchema = z.object({
  value: z.number().int().positive(),
  unit: z.enum(['SECONDS', 'MINUTES', 'HOURS', 'DAYS']),
});
const setOptionsSchema = z
  .object({
    ttl: ttlSchema.optional(),
    keyPolicy: z.enum(['OVERRIDE', 'FAIL_IF_EXISTS']).optional(),
    returnValue: z.enum(['PREVIOUS', 'LATEST']).optional(),
    returnMetadataFields: metadataFieldsSchema,
  })
  .optional();
const keySchema = z.object({ key: z.unknown() });
const getSchema = keySchema.extend({ options: getOptionsSchema });
const setSchema = keySchema.extend({ value: z.unknown(), options: setOptionsSchema });
const entityPart = { entityName: z.unknown() };
const querySchema = z.object({
  limit: z.number().optional(),
  after: z.string().optional(),
  where: z.array(conditionClauseSchema.extend({ property: z.string() })).optional(),
  options: z.object({ metadataFields: metadataFieldsSchema }).optional(),
});
const entityQuerySchema = z.object({
  entityName: z.unknown(),
  indexName: z.string(),
  partition: z.array(z.unknown()).optional(),
  range: conditionClauseSchema.optional(),
  filters: filtersSchema.optional(),
  sort: z.enum(['ASC', 'DESC']).optional(),
  cursor: z.string().optional(),
  limit: z.number().optional(),
  options: z.object({ metadataFields: metadataFieldsSchema }).optional(),
});
const batchSetSchema = z.array(
  z.object({
    entityName: z.unknown().optional(),
    key: z.unknown(),
    value: z.unknown(),
    options: setOptionsSchema,
  }),
);
const batchGetSchema = z.array(
  z.object({ entityName: z.unknown().optional(), key: z.unknown(), options: getOptionsSchema }),
);
const batchDeleteSchema = z.array(z.object({ entityName: z.unknown().optional(), key: z.unknown() }));
const transactionSchema = z.object({
  set: z
    .array(
      z.object({
        key: z.unknown(),
        value: z.unknown(),
        entityName: z.unknown().optional(),
        conditions: filtersSchema.optional(),
        options: setOptionsSchema,
      }),
    )
    .optional(),
  delete: z
    .array(
      z.object({
        key: z.unknown(),
        entityName: z.unknown().optional(),
        conditions: filtersSchema.optional(),
      }),
    )
    .optional(),
  check: z
    .array(z.object({ key: z.unknown(), entityName: z.unknown().optional(), conditions: filtersSchema }))
    .optional(),
});

const READ_PATHS = new Set([
  '/api/v1/get',
  '/api/v1/query',
  '/api/v1/batch/get',
  '/api/v1/secret/get',
  '/api/v1/entity/get',
  '/api/v1/entity/query',
]);

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
};

const TTL_UNIT_MS = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw badRequest(
      'INVALID_REQUEST',
      `Malformed ${what} request at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? ''}`,
    );
  }
  return result.data;
}

function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts)) return parts;
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'INVALID_CURSOR',
    'The cursor is not one this store returned; pass nextCursor from the previous page unchanged.',
  );
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An in-memory Forge Key-Value Store (plus secrets and custom entities) that answers the HTTP calls
 * @forge/kvs makes through `__forge_fetch__({type: 'kvs'}, '/api/v1/...')`.
 */
export class KvsEmulator {
  private readonly data: Space = new KeySpace();
  private readonly secrets: Space = new KeySpace();
  private readonly entityData = new Map<string, Space>();
  private readonly entityDefinitions = new Map<string, EntityDefinition>();
  private readonly now: () => number;
  private readonly queryMaxLimit: number;
  readonly expiredReadableMs: number;
  readonly queryLagMs: number;
  /** Per queryable keyspace, its recent changes (for queries that lag behind). */
  private readonly views = new Map<Space, LaggingView>();
  private readonly recentCalls: Array<{ at: number; readUnits: number; writeUnits: number; path: string }> =
    [];
  latencyMs: number;
  readonly persistFile: string | undefined;
  readonly enforceQuotas: boolean;
  counters: KvsCounters = KvsEmulator.emptyCounters();

  constructor(options: KvsEmulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.latencyMs = options.latencyMs ?? 0;
    this.queryMaxLimit = options.queryMaxLimit ?? KVS_LIMITS.queryMaxLimit;
    this.expiredReadableMs = options.expiredReadableMs ?? KVS_LIMITS.expiredDeletionMaxLagMs;
    this.queryLagMs = options.queryLagMs ?? 0;
    for (const [name, value] of [
      ['expiredReadableMs', this.expiredReadableMs],
      ['queryLagMs', this.queryLagMs],
    ] as const) {
      if (!Number.isFinite(value) || value < 0)
        throw new Error(`KVS emulator option ${name} must be a number of ms ≥ 0, got ${value}.`);
    }
    this.persistFile = options.persistFile;
    this.enforceQuotas = options.enforceQuotas ?? false;
    for (const definition of options.entities ?? []) this.entityDefinitions.set(definition.name, definition);
    if (this.persistFile) {
      const snapshot = loadSnapshot(this.persistFile);
      if (snapshot) this.restore(snapshot);
    }
  }

  private static emptyCounters(): KvsCounters {
    return { operations: 0, reads: 0, writes: 0, readUnits: 0, writeUnits: 0, byPath: {} };
  }

  /** Number of plain key-value entries a read can still return (expired ones until they are deleted). */
  get size(): number {
    return this.presentEntries(this.data).length;
  }

  /** KVS calls in the last 60 s of the store's clock. */
  operationsPerMinute(): number {
    this.pruneRecent();
    return this.recentCalls.length;
  }

  unitsInLastMinute(): { readUnits: number; writeUnits: number } {
    this.pruneRecent();
    return this.recentCalls.reduce(
      (sum, call) => ({
        readUnits: sum.readUnits + call.readUnits,
        writeUnits: sum.writeUnits + call.writeUnits,
      }),
      { readUnits: 0, writeUnits: 0 },
    );
  }

  /**
   * batchSet / batchGet / batchDelete calls in the last 60 s of the store's clock. Counted, never refused:
   * storage-reference/batchops (last updated 2026-02-05) says "You can send a maximum of 45 batch operations per
   * minute" without saying which calls count or over what scope, so the benches show the figures beside it.
   */
  batchCallsInLastMinute(): BatchCallsPerMinute {
    this.pruneRecent();
    const calls: BatchCallsPerMinute = { batchSet: 0, batchGet: 0, batchDelete: 0 };
    for (const call of this.recentCalls) {
      const kind = BATCH_PATHS[call.path];
      if (kind) calls[kind] += 1;
    }
    return calls;
  }

  resetCounters(): void {
    this.counters = KvsEmulator.emptyCounters();
    this.recentCalls.length = 0;
  }

  /** What reads can return now (expired keys until they are deleted), for inspection; secrets by key only. */
  dump(): {
    data: Record<string, unknown>;
    entities: Record<string, Record<string, unknown>>;
    secretKeys: string[];
  } {
    const entities: Record<string, Record<string, unknown>> = {};
    for (const [name, space] of this.entityData) {
      entities[name] = Object.fromEntries(this.presentEntries(space).map(([key, item]) => [key, item.value]));
    }
    return {
      data: Object.fromEntries(this.presentEntries(this.data).map(([key, item]) => [key, item.value])),
      entities,
      secretKeys: this.presentEntries(this.secrets).map(([key]) => key),
    };
  }

  /** A secret's value, for tests that check what the app stored (the app itself must use kvs.getSecret). */
  peekSecret(key: string): unknown {
    return this.present(this.secrets, key)?.value;
  }

  clear(): void {
    this.data.clear();
    this.secrets.clear();
    this.entityData.clear();
    for (const view of this.views.values()) view.clear();
    this.persist();
  }

  /** While countRoundTrips runs: the round trip calls join until it is answered, and how many there were. */
  private roundTrips: { count: number; open: Promise<void> | null } | null = null;

  /**
   * Runs `work` and counts its sequential KVS round trips without timing anything: every call waits for
   * the current round trip, which closes once the event loop has nothing else to run (setImmediate), so
   * calls sent side by side (Promise.all, batchGet of 25) share one and a call that waits for another's
   * answer starts the next. Latency is not added meanwhile. Other code using this store at the same
   * time is counted too: measure one thing at a time.
   */
  async countRoundTrips<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; roundTrips: number; calls: number }> {
    if (this.roundTrips) throw new Error('countRoundTrips is already running: measure one thing at a time.');
    const counting = { count: 0, open: null as Promise<void> | null };
    const callsBefore = this.counters.operations;
    this.roundTrips = counting;
    try {
      const result = await work();
      return { result, roundTrips: counting.count, calls: this.counters.operations - callsBefore };
    } finally {
      this.roundTrips = null;
    }
  }

  private joinRoundTrip(counting: { count: number; open: Promise<void> | null }): Promise<void> {
    if (!counting.open) {
      counting.count += 1;
      counting.open = new Promise((resolve) =>
        setImmediate(() => {
          counting.open = null;
          resolve();
        }),
      );
    }
    return counting.open;
  }

  /** The `__forge_fetch__` entry point: a KVS HTTP request in, a Response out. */
  async fetch(path: string, init: RequestInit | undefined): Promise<Response> {
    if (this.roundTrips) await this.joinRoundTrip(this.roundTrips);
    else if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const requestText = typeof init?.body === 'string' ? init.body : '';
    const method = (init?.method ?? 'GET').toUpperCase();
    let result: KvsResult;
    try {
      if (method !== 'POST')
        throw new KvsServiceError(405, 'METHOD_NOT_ALLOWED', `KVS endpoints take POST, got ${method}.`);
      let body: unknown;
      try {
        body = requestText ? JSON.parse(requestText) : undefined;
      } catch {
        throw badRequest('INVALID_REQUEST', 'The request body is not JSON.');
      }
      this.checkQuota(path);
      result = this.handle(path, body);
    } catch (error) {
      if (!(error instanceof KvsServiceError)) throw error;
      result = { status: error.status, body: { code: error.code, message: error.message } };
    }
    const responseText = result.body === undefined ? '' : JSON.stringify(result.body);
    this.count(path, Buffer.byteLength(requestText), Buffer.byteLength(responseText));
    const headers = { 'content-type': 'application/json', 'x-b3-traceid': 'local-kvs' };
    const statusText = STATUS_TEXT[result.status] ?? '';
    if (responseText === '')
      return new Response(null, { status: 204, statusText: STATUS_TEXT[204], headers });
    return new Response(responseText, { status: result.status, statusText, headers });
  }

  /** Routes one KVS call; throws KvsServiceError for answers Forge gives as errors. */
  handle(path: string, body: unknown): KvsResult {
    switch (path) {
      case '/api/v1/get':
        return this.get(this.data, body);
      case '/api/v1/set':
        return this.set(this.data, body);
      case '/api/v1/delete':
        return this.delete(this.data, body);
      case '/api/v1/query':
        return this.query(body);
      case '/api/v1/secret/get':
        return this.get(this.secrets, body);
      case '/api/v1/secret/set':
        return this.set(this.secrets, body);
      case '/api/v1/secret/delete':
        return this.delete(this.secrets, body);
      case '/api/v1/entity/get':
        return this.get(this.entitySpace(body), body);
      case '/api/v1/entity/set':
        return this.set(this.entitySpace(body), body, this.entityDefinitionOf(body));
      case '/api/v1/entity/delete':
        return this.delete(this.entitySpace(body), body);
      case '/api/v1/entity/query':
        return this.queryEntity(body);
      case '/api/v1/batch/set':
        return this.batchSet(body);
      case '/api/v1/batch/get':
        return this.batchGet(body);
      case '/api/v1/batch/delete':
        return this.batchDelete(body);
      case '/api/v1/transaction':
        return this.transact(body);
      default:
        throw new KvsServiceError(404, 'NOT_FOUND', `The local KVS has no endpoint ${path}.`);
    }
  }

  // ---- single-key operations ----

  private get(space: Space, body: unknown): KvsResult {
    const request = parse(getSchema, body, 'get');
    const key = validateKey(request.key);
    const item = this.present(space, key);
    if (!item) throw new KvsServiceError(404, 'KEY_NOT_FOUND', `No value is stored for key "${key}".`);
    return { status: 200, body: this.describe(key, item) };
  }

  private set(space: Space, body: unknown, definition?: EntityDefinition): KvsResult {
    const request = parse(setSchema, body, 'set');
    const key = validateKey(request.key);
    validateValue(request.value);
    if (definition) this.validateEntityValue(definition, request.value);
    const previous = this.present(space, key);
    const options = request.options;
    if (options?.keyPolicy === 'FAIL_IF_EXISTS' && options.returnValue !== undefined) {
      throw badRequest(
        'INVALID_KEY_POLICY_RETURN_VALUE_COMBINATION',
        'returnValue needs keyPolicy OVERRIDE; a FAIL_IF_EXISTS write returns nothing.',
      );
    }
    // An expired key that Forge has not deleted yet still exists for FAIL_IF_EXISTS.
    if (options?.keyPolicy === 'FAIL_IF_EXISTS' && previous) {
      throw new KvsServiceError(
        409,
        'KEY_CONFLICT',
        `The provided key "${key}" already exists and the key policy is set to FAIL_IF_EXISTS.`,
      );
    }
    const stored = this.write(space, key, request.value, options?.ttl, previous);
    this.persist();
    if (options?.returnValue === 'PREVIOUS') {
      return previous ? { status: 200, body: this.describe(key, previous) } : { status: 204 };
    }
    if (options?.returnValue === 'LATEST') return { status: 200, body: this.describe(key, stored) };
    return { status: 204 };
  }

  private delete(space: Space, body: unknown): KvsResult {
    const request = parse(keySchema.extend(entityPart).partial({ entityName: true }), body, 'delete');
    const key = validateKey(request.key);
    if (this.remove(space, key)) this.persist();
    return { status: 204 };
  }

  // ---- queries ----

  private query(body: unknown): KvsResult {
    const request = parse(querySchema, body ?? {}, 'query');
    const limit = this.pageLimit(request.limit, this.queryMaxLimit, 'LIST_QUERY_LIMIT_EXCEEDED');
    let prefix = '';
    if (request.where) {
      if (request.where.length > 1)
        throw badRequest('QUERY_WHERE_INVALID', 'KVS queries take a single "where" clause.');
      const [clause] = request.where;
      if (clause) {
        if (clause.property !== 'key') {
          throw badRequest(
            'QUERY_WHERE_FIELD_INVALID',
            `KVS queries can only filter on "key", not "${clause.property}".`,
          );
        }
        checkClause(clause, ['BEGINS_WITH']);
        prefix = String(clause.values[0]);
      }
    }
    const after = request.after === undefined ? undefined : String(decodeCursor(request.after)[0]);
    const matching = this.viewOf(this.data)
      ? this.queryEntries(this.data)
          .filter(([key]) => key.startsWith(prefix) && (after === undefined || compareKeys(key, after) > 0))
          .sort(([a], [b]) => compareKeys(a, b))
      : this.firstPresent(this.data.entriesWithPrefix(prefix, after), limit + 1);
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    const fields = request.options?.metadataFields;
    return {
      status: 200,
      body: {
        data: page.map(([key, item]) => this.describe(key, item, fields ?? [])),
        ...(matching.length > limit && last ? { cursor: encodeCursor([last[0]]) } : {}),
      },
    };
  }

  private queryEntity(body: unknown): KvsResult {
    const request = parse(entityQuerySchema, body, 'entity query');
    const definition = this.entityDefinitionOf(request);
    const index = this.findIndex(definition, request.indexName);
    const limit = this.pageLimit(
      request.limit,
      KVS_LIMITS.entityQueryMaxLimit,
      'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE',
    );
    const partitionValues = request.partition ?? [];
    if (partitionValues.length !== index.partition.length) {
      throw badRequest(
        'INVALID_PARTITION',
        `Index "${index.name}" of entity "${definition.name}" is partitioned by [${index.partition.join(', ')}]; pass that many partition values.`,
      );
    }
    const rangeAttribute = index.range[0];
    const rangeCondition = request.range
      ? checkClause(request.range, [
          'BEGINS_WITH',
          'BETWEEN',
          'EQUAL_TO',
          'GREATER_THAN',
          'GREATER_THAN_EQUAL_TO',
          'LESS_THAN',
          'LESS_THAN_EQUAL_TO',
        ])
      : undefined;
    const attributeOf = (value: unknown, name: string): unknown =>
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
    const direction = request.sort === 'DESC' ? -1 : 1;
    const order = (a: [string, StoredItem], b: [string, StoredItem]): number => {
      const byRange = rangeAttribute
        ? (compareScalars(attributeOf(a[1].value, rangeAttribute), attributeOf(b[1].value, rangeAttribute)) ??
          0)
        : 0;
      return direction * (byRange !== 0 ? byRange : compareKeys(a[0], b[0]));
    };
    const space = this.entityData.get(definition.name);
    let matching = (space ? this.queryEntries(space) : [])
      .filter(([, item]) =>
        index.partition.every((name, i) => attributeOf(item.value, name) === partitionValues[i]),
      )
      .filter(([, item]) => !rangeAttribute || attributeOf(item.value, rangeAttribute) !== undefined)
      .filter(
        ([, item]) =>
          !rangeAttribute ||
          !rangeCondition ||
          !request.range ||
          matchesClause(attributeOf(item.value, rangeAttribute), rangeCondition, request.range.values),
      )
      .filter(([, item]) => !request.filters || matchesFilters(item.value, request.filters as Filters))
      .sort(order);
    if (request.cursor !== undefined) {
      const [cursorKey] = decodeCursor(request.cursor);
      const position = matching.findIndex(([key]) => key === cursorKey);
      matching = position >= 0 ? matching.slice(position + 1) : [];
    }
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    return {
      status: 200,
      body: {
        data: page.map(([key, item]) => this.describe(key, item, request.options?.metadataFields ?? [])),
        ...(matching.length > limit && last ? { cursor: encodeCursor([last[0]]) } : {}),
      },
    };
  }

  // ---- batches ----

  private batchItems<T extends { key: unknown; entityName?: unknown }>(
    schema: z.ZodType<T[]>,
    body: unknown,
    what: string,
    requestBytes: number,
  ): T[] {
    const items = parse(schema, body, what);
    if (items.length === 0) throw badRequest('EMPTY_BATCH', `A ${what} needs at least one item.`);
    if (items.length > KVS_LIMITS.batchMaxItems) {
      throw badRequest(
        'BATCH_TOO_LARGE',
        `A ${what} takes at most ${KVS_LIMITS.batchMaxItems} items, got ${items.length}; split it.`,
      );
    }
    if (requestBytes > KVS_LIMITS.requestMaxBytes) {
      throw new KvsServiceError(
        413,
        'PAYLOAD_TOO_LARGE',
        `A ${what} payload may be at most 4 MB, got ${requestBytes} bytes.`,
      );
    }
    const seen = new Set<string>();
    for (const item of items) {
      const id = `${String(item.entityName ?? '')}\u0000${String(item.key)}`;
      if (seen.has(id))
        throw badRequest('DUPLICATE_KEYS', `A ${what} names key "${String(item.key)}" more than once.`);
      seen.add(id);
    }
    return items;
  }

  /**
   * Applies one batch operation item by item: a KVS error fails that item only (it goes to failedKeys
   * with its code), as the batch APIs answer; `apply` returns the item's successfulKeys entry.
   */
  private batchResult<T extends { key: unknown; entityName?: unknown }>(
    items: readonly T[],
    apply: (item: T) => Record<string, unknown>,
  ): KvsResult {
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const item of items) {
      const entity = item.entityName === undefined ? {} : { entityName: item.entityName };
      try {
        successfulKeys.push({ ...apply(item), ...entity });
      } catch (error) {
        if (!(error instanceof KvsServiceError)) throw error;
        failedKeys.push({ key: item.key, ...entity, error: { code: error.code, message: error.message } });
      }
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }

  private batchSet(body: unknown): KvsResult {
    const items = this.batchItems(batchSetSchema, body, 'batch set', jsonByteLength(body));
    const result = this.batchResult(items, (item) => {
      const key = validateKey(item.key);
      validateValue(item.value);
      const space = item.entityName === undefined ? this.data : this.entitySpace(item);
      if (item.entityName !== undefined) this.validateEntityValue(this.entityDefinitionOf(item), item.value);
      this.write(space, key, item.value, item.options?.ttl, this.present(space, key));
      return { key };
    });
    this.persist();
    return result;
  }

  private batchGet(body: unknown): KvsResult {
    const items = this.batchItems(batchGetSchema, body, 'batch get', jsonByteLength(body));
    return this.batchResult(items, (item) => {
      const key = validateKey(item.key);
      const space = item.entityName === undefined ? this.data : this.entitySpace(item);
      const stored = this.present(space, key);
      if (!stored) throw new KvsServiceError(404, 'KEY_NOT_FOUND', `No value is stored for key "${key}".`);
      return this.describe(key, stored, item.options?.metadataFields ?? []);
    });
  }

  private batchDelete(body: unknown): KvsResult {
    const items = this.batchItems(batchDeleteSchema, body, 'batch delete', jsonByteLength(body));
    const result = this.batchResult(items, (item) => {
      const key = validateKey(item.key);
      this.remove(item.entityName === undefined ? this.data : this.entitySpace(item), key);
      return { key };
    });
    this.persist();
    return result;
  }

  // ---- transactions ----

  private transact(body: unknown): KvsResult {
    const request = parse(transactionSchema, body, 'transaction');
    const sets = request.set ?? [];
    const deletes = request.delete ?? [];
    const checks = request.check ?? [];
    const total = sets.length + deletes.length + checks.length;
    if (total === 0) {
      throw badRequest(
        'INVALID_TRANSACTION_REQUEST',
        'Transaction request must include one of set, check or delete.',
      );
    }
    if (total > KVS_LIMITS.transactionMaxOperations) {
      throw badRequest(
        'TOO_MANY_OPERATIONS',
        `A transaction can contain at most ${KVS_LIMITS.transactionMaxOperations} operations, got ${total}; split the work or use batch operations.`,
      );
    }
    const requestBytes = jsonByteLength(body);
    if (requestBytes > KVS_LIMITS.requestMaxBytes) {
      throw new KvsServiceError(
        413,
        'PAYLOAD_TOO_LARGE',
        `A transaction payload may be at most 4 MB, got ${requestBytes} bytes.`,
      );
    }
    // Validate everything before touching anything: all operations commit or none does.
    const seen = new Set<string>();
    const resolve = (op: {
      key: unknown;
      entityName?: unknown;
    }): { key: string; space: Space; definition?: EntityDefinition } => {
      const key = validateKey(op.key);
      const id = `${String(op.entityName ?? '')}\u0000${key}`;
      if (seen.has(id))
        throw badRequest(
          'DUPLICATE_KEYS',
          `Key "${key}" is used more than once in the transaction; each key may appear once.`,
        );
      seen.add(id);
      if (op.entityName === undefined) return { key, space: this.data };
      return { key, space: this.entitySpace(op), definition: this.entityDefinitionOf(op) };
    };
    const conditionsHold = (
      space: Space,
      key: string,
      conditions: Filters | undefined,
      entityName: unknown,
    ): void => {
      if (!conditions) return;
      if (entityName === undefined) {
        throw badRequest(
          'INVALID_CONDITION',
          `Transaction conditions apply to custom entities only; key "${key}" has no entityName.`,
        );
      }
      if (!matchesFilters(this.present(space, key)?.value, conditions)) {
        throw badRequest(
          'CONDITIONAL_CHECK_FAILED',
          `The transaction's condition on key "${key}" (entity "${String(entityName)}") is not met; nothing was written.`,
        );
      }
    };
    const plannedSets = sets.map((op) => {
      const target = resolve(op);
      validateValue(op.value);
      if (target.definition) this.validateEntityValue(target.definition, op.value);
      return { ...target, op };
    });
    const plannedDeletes = deletes.map((op) => ({ ...resolve(op), op }));
    const plannedChecks = checks.map((op) => ({ ...resolve(op), op }));
    for (const { space, key, op } of [...plannedChecks, ...plannedSets, ...plannedDeletes]) {
      conditionsHold(space, key, op.conditions, op.entityName);
    }
    for (const { space, key, op } of plannedSets)
      this.write(space, key, op.value, op.options?.ttl, this.present(space, key));
    for (const { space, key } of plannedDeletes) this.remove(space, key);
    this.persist();
    return { status: 204 };
  }

  // ---- internals ----

  private pageLimit(requested: number | undefined, max: number, code: string): number {
    if (requested === undefined) return KVS_LIMITS.queryDefaultLimit;
    if (!Number.isInteger(requested) || requested < 1 || requested > max) {
      throw badRequest(
        code,
        `The query limit must be an integer from 1 to ${max}, got ${requested}; page with the cursor instead.`,
      );
    }
    return requested;
  }

  private entityDefinitionOf(body: unknown): EntityDefinition {
    const name = validateEntityName((body as { entityName?: unknown } | undefined)?.entityName);
    const definition = this.entityDefinitions.get(name);
    if (!definition) {
      throw badRequest(
        'INVALID_ENTITY_TYPE',
        `Entity "${name}" is not declared in manifest.yml under app.storage.entities.`,
      );
    }
    return definition;
  }

  private entitySpace(body: unknown): Space {
    const { name } = this.entityDefinitionOf(body);
    let space = this.entityData.get(name);
    if (!space) {
      space = new KeySpace();
      this.entityData.set(name, space);
    }
    return space;
  }

  private findIndex(
    definition: EntityDefinition,
    indexName: string,
  ): { name: string; range: string[]; partition: string[] } {
    for (const index of definition.indexes ?? []) {
      const normalised =
        typeof index === 'string'
          ? { name: index, range: [index], partition: [] }
          : { name: index.name, range: index.range ?? [], partition: index.partition ?? [] };
      if (normalised.name === indexName) return normalised;
    }
    throw badRequest(
      'INVALID_ENTITY_INDEX',
      `Entity "${definition.name}" has no index "${indexName}" in manifest.yml.`,
    );
  }

  private validateEntityValue(definition: EntityDefinition, value: unknown): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest(
        'INVALID_ENTITY_VALUE',
        `A "${definition.name}" entity must be an object of its declared attributes.`,
      );
    }
    for (const [name, attributeValue] of Object.entries(value)) {
      const declared = definition.attributes[name];
      if (!declared)
        throw badRequest(
          'INVALID_ENTITY_VALUE',
          `Attribute "${name}" is not declared for entity "${definition.name}".`,
        );
      const ok =
        declared.type === 'any' ||
        (declared.type === 'string' && typeof attributeValue === 'string') ||
        (declared.type === 'boolean' && typeof attributeValue === 'boolean') ||
        (declared.type === 'integer' && Number.isInteger(attributeValue)) ||
        (declared.type === 'float' && typeof attributeValue === 'number');
      if (!ok) {
        throw badRequest(
          'INVALID_ENTITY_VALUE',
          `Attribute "${name}" of entity "${definition.name}" must be of type ${declared.type}.`,
        );
      }
    }
  }

  private write(
    space: Space,
    key: string,
    value: unknown,
    ttl: z.infer<typeof ttlSchema> | undefined,
    previous: StoredItem | undefined,
  ): StoredItem {
    const now = this.now();
    const item: StoredItem = {
      value: JSON.parse(JSON.stringify(value)) as unknown,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      ...(ttl ? { expireAt: now + ttl.value * TTL_UNIT_MS[ttl.unit] } : {}),
    };
    this.viewOf(space)?.record(key, space.get(key), item, now);
    space.set(key, item);
    return item;
  }

  /** Deletes a key (remembering it for lagging queries); true when it was there. */
  private remove(space: Space, key: string): boolean {
    const before = space.get(key);
    if (before === undefined) return false;
    this.viewOf(space)?.record(key, before, undefined, this.now());
    return space.delete(key);
  }

  /** Not yet deleted: unexpired, or expired less than expiredReadableMs ago. */
  private isPresent(item: StoredItem, now: number): boolean {
    return item.expireAt === undefined || item.expireAt + this.expiredReadableMs > now;
  }

  /** The item a strictly consistent read returns; dropped once Forge would have deleted it. */
  private present(space: Space, key: string): StoredItem | undefined {
    const item = space.get(key);
    if (item && !this.isPresent(item, this.now())) {
      space.delete(key);
      return undefined;
    }
    return item;
  }

  private presentEntries(space: Space): Array<[string, StoredItem]> {
    const now = this.now();
    return [...space.entries()].filter(([, item]) => this.isPresent(item, now));
  }

  /** What a query sees: the keyspace as of queryLagMs ago, less what has been deleted for expiry since. */
  private queryEntries(space: Space): Array<[string, StoredItem]> {
    const now = this.now();
    const entries = this.viewOf(space)?.entries(space, now) ?? [...space.entries()];
    return entries.filter(([, item]) => this.isPresent(item, now));
  }

  /** Up to `count` entries a query sees now, from a key-ordered walk (queries that do not lag). */
  private firstPresent(entries: Iterable<[string, StoredItem]>, count: number): Array<[string, StoredItem]> {
    const now = this.now();
    const found: Array<[string, StoredItem]> = [];
    for (const entry of entries) {
      if (found.length >= count) break;
      if (this.isPresent(entry[1], now)) found.push(entry);
    }
    return found;
  }

  /** The change log of a queryable keyspace (plain KVS or an entity), when queries lag. */
  private viewOf(space: Space): LaggingView | undefined {
    if (this.queryLagMs <= 0 || space === this.secrets) return undefined;
    let view = this.views.get(space);
    if (!view) {
      view = new LaggingView(this.queryLagMs);
      this.views.set(space, view);
    }
    return view;
  }

  private describe(
    key: string,
    item: StoredItem,
    fields: string[] = ['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'],
  ): Record<string, unknown> {
    return {
      key,
      value: item.value,
      ...(fields.includes('CREATED_AT') ? { createdAt: item.createdAt } : {}),
      ...(fields.includes('UPDATED_AT') ? { updatedAt: item.updatedAt } : {}),
      ...(fields.includes('EXPIRE_TIME') && item.expireAt !== undefined
        ? { expireTime: new Date(item.expireAt).toISOString() }
        : {}),
    };
  }

  private pruneRecent(): void {
    const cutoff = this.now() - 60_000;
    let drop = 0;
    while (drop < this.recentCalls.length && (this.recentCalls[drop]?.at ?? Infinity) <= cutoff) drop += 1;
    if (drop > 0) this.recentCalls.splice(0, drop);
  }

  private checkQuota(path: string): void {
    if (!this.enforceQuotas) return;
    const { readUnits, writeUnits } = this.unitsInLastMinute();
    const isRead = READ_PATHS.has(path);
    if (
      (isRead && readUnits >= KVS_LIMITS.readUnitsPerMinute) ||
      (!isRead && writeUnits >= KVS_LIMITS.writeUnitsPerMinute)
    ) {
      throw new KvsServiceError(
        429,
        'RATE_LIMIT_EXCEEDED',
        `This installation used its ${isRead ? 'read' : 'write'} quota of 4,000 units (10 KB each) for the current minute; back off and retry.`,
      );
    }
  }

  private count(path: string, requestBytes: number, responseBytes: number): void {
    const isRead = READ_PATHS.has(path);
    const units = Math.max(1, Math.ceil((isRead ? responseBytes : requestBytes) / KVS_LIMITS.unitBytes));
    this.counters.operations += 1;
    this.counters.byPath[path] = (this.counters.byPath[path] ?? 0) + 1;
    if (isRead) {
      this.counters.reads += 1;
      this.counters.readUnits += units;
    } else {
      this.counters.writes += 1;
      this.counters.writeUnits += units;
    }
    this.recentCalls.push({
      at: this.now(),
      readUnits: isRead ? units : 0,
      writeUnits: isRead ? 0 : units,
      path,
    });
    if (this.recentCalls.length > 100_000) this.pruneRecent();
  }

  private snapshot(): KvsSnapshot {
    const entities: KvsSnapshot['entities'] = {};
    for (const [name, space] of this.entityData) entities[name] = Object.fromEntries(space);
    return {
      version: 1,
      data: Object.fromEntries(this.data),
      secrets: Object.fromEntries(this.secrets),
      entities,
    };
  }

  private restore(snapshot: KvsSnapshot): void {
    for (const [key, item] of Object.entries(snapshot.data)) this.data.set(key, item);
    for (const [key, item] of Object.entries(snapshot.secrets)) this.secrets.set(key, item);
    for (const [name, items] of Object.entries(snapshot.entities))
      this.entityData.set(name, KeySpace.of(Object.entries(items)));
  }

  private persist(): void {
    if (this.persistFile) writeSnapshotAtomically(this.persistFile, this.snapshot());
  }
}
