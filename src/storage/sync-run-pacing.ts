/**
 * Until when the last scheduled sync run still pushes its shares of project jobs. A run of many projects
 * (first syncs weigh more) can outlast the hour: the next run must not push its own shares on top.
 */
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import { syncRunPacingKey } from './keys';

const pacingSchema = z.object({ runId: z.string().min(1), sharesUntil: z.string().min(1) });
export type SyncRunPacing = z.output<typeof pacingSchema>;

export async function getSyncRunPacing(): Promise<SyncRunPacing | null> {
  const parsed = pacingSchema.safeParse(await kvs.get(syncRunPacingKey()));
  // Unreadable: treated as no run in progress (the next run plans normally).
  return parsed.success ? parsed.data : null;
}

export async function saveSyncRunPacing(pacing: SyncRunPacing): Promise<void> {
  await kvs.set(syncRunPacingKey(), pacing);
}
