// Where the Get started page sends an admin for what it cannot do inline: the global settings page.
import { router, view } from '@forge/bridge';

/** manifest.yml: the admin page module, and the one with useAsGetStarted (both serve this resource). */
export const SETTINGS_MODULE_KEY = 'product-health-admin';
export const GET_STARTED_MODULE_KEY = 'product-health-get-started';

/**
 * The settings page's documented address, /jira/settings/apps/{appId}/{envId}
 * (developer.atlassian.com/platform/forge/manifest-reference/modules/jira-admin-page), built from the
 * app id inside the extension's localId (ari:cloud:ecosystem::extension/{appId}/{envId}/...).
 */
export function settingsPageUrl(localId: string, environmentId: string): string | null {
  const appId = /^ari:cloud:ecosystem::extension\/([0-9a-f-]{36})\//i.exec(localId)?.[1];
  if (!appId || !/^[0-9a-f-]{36}$/i.test(environmentId)) return null;
  return `/jira/settings/apps/${appId}/${environmentId}`;
}

/**
 * Opens the global settings page in this tab: by module (Forge's NavigationLocation, in preview), else by
 * its documented address.
 */
export async function openSettingsPage(): Promise<void> {
  try {
    await router.navigate({ target: 'module', moduleKey: SETTINGS_MODULE_KEY });
  } catch (moduleError) {
    const context = await view.getContext();
    const url = settingsPageUrl(context.localId, context.environmentId);
    if (!url) {
      throw new Error('Jira did not open the settings page: open Jira settings > Apps > Product health.', {
        cause: moduleError,
      });
    }
    await router.navigate(url);
  }
}
