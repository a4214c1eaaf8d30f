// Which Sentry issues a person may find by linking from a Jira issue. Linking shows the title
// and counts, so by default it searches only the Sentry projects mapped to the Jira project's products:
// whoever can edit one project's issues cannot read other products' Sentry issues by linking them. A
// Jira admin may widen it to every project of the connected organizations.
import { z } from 'zod';

export const LINK_SEARCH_SCOPES = ['mapped-projects', 'organization'] as const;
export type LinkSearchScope = (typeof LINK_SEARCH_SCOPES)[number];

export const DEFAULT_LINK_SEARCH_SCOPE: LinkSearchScope = 'mapped-projects';

export const linkSearchScopeSchema = z.enum(LINK_SEARCH_SCOPES);

/** The stored setting: the scope, and who chose it when. */
export const linkSearchSettingsSchema = z.strictObject({
  scope: linkSearchScopeSchema,
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export type LinkSearchSettings = z.output<typeof linkSearchSettingsSchema>;

/** What linking searches, in words for the settings page. */
export function linkSearchScopeInWords(scope: LinkSearchScope): string {
  return scope === 'organization'
    ? 'Linking from a Jira issue finds issues of every project of the connected Sentry organizations.'
    : "Linking from a Jira issue finds issues only in the Sentry projects mapped to that Jira project's products.";
}
