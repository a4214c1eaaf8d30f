/**
 * Queue pushes Forge refused for one of its limits (500 events a minute, 1,000 pushes from one initial
 * invocation): the events wait here, oldest first, until the scheduled trigger (a new minute and a new
 * chain of invocations) pushes them again. One entry holds the events of one refused push (≤ 200 KB,
 * within KVS's 240 KiB per value). Entries expire after DEFERRED_PUSH_TTL_DAYS: by then the scheduled
 * sync has planned the same work again.
 */
import { randomUUID } from 'node:crypto';
import { kvs } from '@forge/kvs';
import { StorageValidationError } from './errors';
import { deferredPushKey, deferredPushPrefix } from './keys';
import { queryPage, type KeyedValue, type Page } from './kvs-helpers';

export const DEFERRED_PUSH_TTL_DAYS = 7;

/** One event as @forge/events pushes it. */
export interface DeferredEvent {
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
}

export interface DeferredPush {
  id: string;
  /** When Forge first refused it. */
  deferredAt: string;
  queue: string;
  events: DeferredEvent[];
  /** Why Forge refused it, in words. */
  reason: string;
}

export async function saveDeferredPush(
  input: { queue: string; events: readonly DeferredEvent[]; reason: string },
  now: Date = new Date(),
): Promise<DeferredPush> {
  if (input.events.length === 0) {
    throw new StorageValidationError('A deferred push needs at least one event.', 'events');
  }
  const entry: DeferredPush = {
    id: randomUUID(),
    deferredAt: now.toISOString(),
    queue: input.queue,
    events: [...input.events],
    reason: input.reason,
  };
  await kvs.set(deferredPushKey(entry.deferredAt, entry.id), entry, {
    ttl: { value: DEFERRED_PUSH_TTL_DAYS, unit: 'DAYS' },
  });
  return entry;
}

/** Up to `limit` deferred pushes, oldest first. */
export async function listDeferredPushes(limit = 100): Promise<DeferredPush[]> {
  const entries: DeferredPush[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<KeyedValue<DeferredPush>> = await queryPage<DeferredPush>(deferredPushPrefix(), {
      cursor,
    });
    entries.push(...page.items.map((item) => item.value));
    cursor = page.cursor;
  } while (cursor !== null && entries.length < limit);
  return entries.slice(0, limit);
}

export async function deleteDeferredPush(entry: Pick<DeferredPush, 'id' | 'deferredAt'>): Promise<void> {
  await kvs.delete(deferredPushKey(entry.deferredAt, entry.id));
}
