// The Get started page opens the settings page by module, and falls back to the admin page's documented
// address (/jira/settings/apps/{appId}/{envId}) when Jira does not take the module target.
jest.mock('@forge/bridge', () => ({
  router: { navigate: jest.fn() },
  view: { getContext: jest.fn() },
}));

import { router, view } from '@forge/bridge';
import {
  openSettingsPage,
  settingsPageUrl,
  SETTINGS_MODULE_KEY,
} from '../../static/src/pages/admin/get-started/settings-link';

const navigate = router.navigate as jest.Mock;
const getContext = view.getContext as jest.Mock;
const appId = '7c3e1a52-5d0b-4c8e-9a61-2f4b8d9e0c13';
const envId = 'a1b2c3d4-0000-4000-8000-0123456789ab';
const localId = `ari:cloud:ecosystem::extension/${appId}/${envId}/static/product-health-get-started`;

beforeEach(() => {
  navigate.mockReset();
  getContext.mockReset();
});

describe('the settings page link', () => {
  it('builds the admin page address from the extension id, and nothing from anything else', () => {
    expect(settingsPageUrl(localId, envId)).toBe(`/jira/settings/apps/${appId}/${envId}`);
    expect(settingsPageUrl('sandbox-product-health-get-started', envId)).toBeNull();
    expect(settingsPageUrl(localId, '../../evil')).toBeNull();
  });

  it('navigates by module first', async () => {
    navigate.mockResolvedValue(undefined);
    await openSettingsPage();
    expect(navigate.mock.calls).toEqual([[{ target: 'module', moduleKey: SETTINGS_MODULE_KEY }]]);
  });

  it('falls back to the address when the module target is refused, and says what to do when it has none', async () => {
    navigate.mockRejectedValueOnce(new Error('unsupported target')).mockResolvedValue(undefined);
    getContext.mockResolvedValue({ localId, environmentId: envId });
    await openSettingsPage();
    expect(navigate).toHaveBeenLastCalledWith(`/jira/settings/apps/${appId}/${envId}`);

    navigate.mockReset().mockRejectedValue(new Error('unsupported target'));
    getContext.mockResolvedValue({ localId: 'sandbox-x', environmentId: envId });
    await expect(openSettingsPage()).rejects.toThrow(/Jira settings > Apps > Product health/);
  });
});
