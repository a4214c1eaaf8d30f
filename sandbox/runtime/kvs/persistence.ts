import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

const storedItemSchema = z.object({
  value: z.unknown(),
  createdAt: z.number(),
  updatedAt: z.number(),
  expireAt: z.number().optional(),
});
export type StoredItem = z.infer<typeof storedItemSchema>;

const snapshotSchema = z.object({
  version: z.literal(1),
  data: z.record(z.string(), storedItemSchema),
  secrets: z.record(z.string(), storedItemSchema),
  entities: z.record(z.string(), z.record(z.string(), storedItemSchema)),
});
export type KvsSnapshot = z.infer<typeof snapshotSchema>;

const TEMP_SUFFIX = '.tmp';

function tempFilesOf(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX))
    .map((name) => path.join(dir, name));
}

/**
 * Loads a snapshot written by writeSnapshotAtomically. Temp files left by an interrupted write are
 * discarded: the rename that would have published them never happened, so the main file is the last
 * complete state.
 */
export function loadSnapshot(file: string): KvsSnapshot | undefined {
  for (const leftover of tempFilesOf(file)) fs.rmSync(leftover, { force: true });
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `The KVS persistence file ${file} is not valid JSON (${(error as Error).message}); delete it to start empty.`,
      { cause: error },
    );
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `The KVS persistence file ${file} does not hold a KVS snapshot (${parsed.error.issues[0]?.message ?? 'bad shape'}); delete it to start empty.`,
    );
  }
  return parsed.data;
}

let writeSequence = 0;

/** Write to a temp file, fsync it, rename over the target, fsync the folder: readers see the old or the new file, never half of one. */
export function writeSnapshotAtomically(file: string, snapshot: KvsSnapshot): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  writeSequence += 1;
  const temp = `${file}.${process.pid}-${writeSequence}${TEMP_SUFFIX}`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(fd, JSON.stringify(snapshot));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Some platforms (Windows) cannot fsync a folder; the rename is still atomic there.
  }
}
