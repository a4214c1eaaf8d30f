import { badRequest } from './kvs-errors';

/** Forge hosted storage limits (developer.atlassian.com/platform/forge/limits-kvs-ce and the KVS error reference). */
export const KVS_LIMITS = {
  keyMaxLength: 500,
  /** Verbatim from the Forge docs; without the `u` flag `\s-#` means whitespace, '-' and '#'. */
  keyPattern: /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/,
  /** 240 KiB, measured on the JSON text of the value (UTF-8 bytes). */
  valueMaxBytes: 240 * 1024,
  objectMaxDepth: 31,
  queryDefaultLimit: 10,
  /**
   * kvs.query page ceiling. storage-reference/kvs-api-query (last updated 2026-08-21): "The query API returns
   * up to 10 values by default, this can be increased to a maximum of 100" (raised from 20 by CHANGE-1916,
   * 2024-08-26). Older pages (runtime-reference/storage-api-query, 2024-11-11) and a code comment still say 20.
   */
  queryMaxLimit: 100,
  entityQueryMaxLimit: 100,
  batchMaxItems: 25,
  transactionMaxOperations: 25,
  /** Batch and transaction request payloads. */
  requestMaxBytes: 4 * 1024 * 1024,
  entityNameMinLength: 3,
  entityNameMaxLength: 60,
  entityNamePattern: /^(?![.-])(?!.*\.{2})[a-z0-9:\-.]*(?<![.])$/,
  /** Per installation and minute, counted in 10 KB units (limits-kvs-ce). */
  readUnitsPerMinute: 4000,
  writeUnitsPerMinute: 4000,
  unitBytes: 10 * 1024,
  /**
   * How long Forge may keep serving a key after its TTL: storage-reference/kvs-api (2026-08-21) says expired
   * data "is not removed immediately upon expiry. Deletion may take up to 48 hours. During this window, read
   * operations may still return expired results."
   */
  expiredDeletionMaxLagMs: 48 * 3_600_000,
} as const;

export function validateKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw badRequest('KEY_TOO_SHORT', 'The provided key needs to be at least one character long.');
  }
  if (key.length > KVS_LIMITS.keyMaxLength) {
    throw badRequest(
      'KEY_TOO_LONG',
      `The provided key has ${key.length} characters; the maximum is ${KVS_LIMITS.keyMaxLength}.`,
    );
  }
  if (!KVS_LIMITS.keyPattern.test(key)) {
    throw badRequest(
      'INVALID_KEY',
      `The provided key "${key}" does not match the regex ${String(KVS_LIMITS.keyPattern)}.`,
    );
  }
  return key;
}

/** Depth as Forge counts it: a scalar is 0, each enclosing object or array adds one level. */
export function objectDepth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    const depth = objectDepth(child);
    if (depth > deepest) deepest = depth;
    if (deepest > KVS_LIMITS.objectMaxDepth) break;
  }
  return deepest + 1;
}

export function jsonByteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

export function validateValue(value: unknown): void {
  if (value === undefined) {
    throw badRequest(
      'INVALID_VALUE',
      'A value is required: undefined cannot be stored (use delete instead).',
    );
  }
  const bytes = jsonByteLength(value);
  if (bytes > KVS_LIMITS.valueMaxBytes) {
    throw badRequest(
      'MAX_SIZE',
      `The provided value is ${bytes} bytes as JSON; the maximum is ${KVS_LIMITS.valueMaxBytes} bytes (240 KiB).`,
    );
  }
  const depth = objectDepth(value);
  if (depth > KVS_LIMITS.objectMaxDepth) {
    throw badRequest(
      'MAX_DEPTH',
      `The provided value is nested ${depth} levels deep; the maximum object depth is ${KVS_LIMITS.objectMaxDepth}.`,
    );
  }
}

export function validateEntityName(name: unknown): string {
  if (typeof name !== 'string' || name.length < KVS_LIMITS.entityNameMinLength) {
    throw badRequest('ENTITY_TYPE_TOO_SHORT', 'An entity name needs at least 3 characters.');
  }
  if (name.length > KVS_LIMITS.entityNameMaxLength) {
    throw badRequest('ENTITY_TYPE_TOO_LARGE', `The entity name "${name}" exceeds 60 characters.`);
  }
  if (!KVS_LIMITS.entityNamePattern.test(name)) {
    throw badRequest(
      'INVALID_ENTITY_TYPE',
      `The entity name "${name}" does not match ${String(KVS_LIMITS.entityNamePattern)}.`,
    );
  }
  return name;
}
