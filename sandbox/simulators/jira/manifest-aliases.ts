// JQL aliases of the app's issue entity properties, read from manifest.yml (`jira:entityProperty`),
// so the simulator searches `sentryEvents > 100` exactly as the manifest declares it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';

export interface EntityPropertyAlias {
  alias: string;
  propertyKey: string;
  /** Dot path inside the property value. */
  path: string;
  type: 'number' | 'string' | 'text' | 'user' | 'date';
}

const manifestSchema = z.object({
  modules: z
    .object({
      'jira:entityProperty': z
        .array(
          z.object({
            key: z.string(),
            entityType: z.string().optional(),
            propertyKey: z.string(),
            values: z.array(
              z.object({
                path: z.string(),
                type: z.enum(['number', 'string', 'text', 'user', 'date']),
                searchAlias: z.string().optional(),
              }),
            ),
          }),
        )
        .optional(),
    })
    .loose(),
});

export const DEFAULT_MANIFEST_PATH = path.join(__dirname, '..', '..', '..', 'manifest.yml');

export function readEntityPropertyAliases(
  manifestPath: string = DEFAULT_MANIFEST_PATH,
): EntityPropertyAlias[] {
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
  } catch (error) {
    throw new Error(
      `Jira simulator: cannot read the manifest at ${manifestPath} to learn the JQL aliases: ${String(error)}`,
      { cause: error },
    );
  }
  const parsed = manifestSchema.safeParse(load(text));
  if (!parsed.success) {
    throw new Error(
      `Jira simulator: manifest.yml has an unexpected jira:entityProperty shape: ${parsed.error.message}`,
    );
  }
  const out: EntityPropertyAlias[] = [];
  for (const module of parsed.data.modules['jira:entityProperty'] ?? []) {
    if (module.entityType !== undefined && module.entityType !== 'issue') continue;
    for (const value of module.values) {
      if (value.searchAlias)
        out.push({
          alias: value.searchAlias,
          propertyKey: module.propertyKey,
          path: value.path,
          type: value.type,
        });
    }
  }
  return out;
}
