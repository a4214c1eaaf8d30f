// Writes one sync log entry per run (or part of a run): what ran, why, how long, what changed, what
// failed in words, and what a retry from the admin page needs.
import { randomUUID } from 'node:crypto';
import type { SyncLogEntry } from '../../domain/model';
import { appendSyncLogEntry } from '../../storage';

export type SyncLogInput = Omit<SyncLogEntry, 'id' | 'at'> & { at?: Date };

export async function logSyncRun(input: SyncLogInput, now: Date = new Date()): Promise<SyncLogEntry> {
  const { at, ...rest } = input;
  const entry: SyncLogEntry = { id: randomUUID(), at: (at ?? now).toISOString(), ...rest };
  await appendSyncLogEntry(entry);
  return entry;
}

/** An error in words, without stack traces (remote errors already say what to fix and hold no token). */
export function errorInWords(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
