// Global settings resolvers for how widely linking from a Jira issue searches Sentry (function admin-fn).
// Jira admins only, the read included: the page toggle shows it next to the connections.
import type Resolver from '@forge/resolver';
import { z } from 'zod';
import {
  linkSearchScopeInWords,
  linkSearchScopeSchema,
  type LinkSearchSettings,
} from '../../domain/link-search';
import { requireGlobalAdmin } from '../../services/access/permissions';
import { getLinkSearchSettings, saveLinkSearchScope } from '../../storage';
import { defineResolver, noPayload } from './define';

export interface LinkSearchSettingsView extends LinkSearchSettings {
  /** The scope in words, for the settings page. */
  description: string;
}

function view(settings: LinkSearchSettings): LinkSearchSettingsView {
  return { ...settings, description: linkSearchScopeInWords(settings.scope) };
}

export function defineLinkSearchResolvers(resolver: Resolver): void {
  defineResolver(resolver, 'getLinkSearchScope', noPayload, async (_input, context) => {
    await requireGlobalAdmin(context.accountId);
    return view(await getLinkSearchSettings());
  });

  /** 'mapped-projects' (the default) or 'organization' (every project of the connected organizations). */
  defineResolver(
    resolver,
    'setLinkSearchScope',
    z.strictObject({ scope: linkSearchScopeSchema }),
    async ({ scope }, context) => {
      await requireGlobalAdmin(context.accountId);
      return view(await saveLinkSearchScope(scope, context.accountId));
    },
  );
}
