/**
 * The installation's link search setting (`settings:link-search`): how widely linking from a Jira issue
 * searches Sentry. Absent until a Jira admin changes it; then the default scope applies.
 */
import { kvs } from '@forge/kvs';
import {
  DEFAULT_LINK_SEARCH_SCOPE,
  linkSearchSettingsSchema,
  type LinkSearchScope,
  type LinkSearchSettings,
} from '../domain/link-search';
import { StorageValidationError } from './errors';
import { linkSearchSettingsKey } from './keys';

/** The stored setting, or the default (mapped projects only) when none is stored or it is unreadable. */
export async function getLinkSearchSettings(): Promise<LinkSearchSettings> {
  const parsed = linkSearchSettingsSchema.safeParse(await kvs.get(linkSearchSettingsKey()));
  // An unreadable record falls back to the narrow scope: never wider than an admin chose.
  return parsed.success ? parsed.data : { scope: DEFAULT_LINK_SEARCH_SCOPE, updatedAt: '', updatedBy: null };
}

export async function saveLinkSearchScope(
  scope: LinkSearchScope,
  updatedBy: string | null,
  now: Date = new Date(),
): Promise<LinkSearchSettings> {
  const settings = linkSearchSettingsSchema.safeParse({ scope, updatedAt: now.toISOString(), updatedBy });
  if (!settings.success) {
    throw new StorageValidationError(
      `The link search scope must be "mapped-projects" or "organization", got ${JSON.stringify(scope)}.`,
      'scope',
    );
  }
  await kvs.set(linkSearchSettingsKey(), settings.data);
  return settings.data;
}
