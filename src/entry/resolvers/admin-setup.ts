// Resolver of the Get started page (the admin page module with useAsGetStarted, function admin-fn): the
// setup checklist. Jira admins only, checked before anything is read.
import type Resolver from '@forge/resolver';
import type { SetupChecklistView } from '../../domain/setup-checklist';
import { requireGlobalAdmin } from '../../services/access/permissions';
import { getSetupChecklist } from '../../services/setup/get-setup-checklist';
import { defineResolver, noPayload } from './define';

export function defineSetupResolvers(resolver: Resolver): void {
  /** Each setup step, done or not, with what is missing: seven KVS calls whatever the installation holds. */
  defineResolver(
    resolver,
    'getSetupChecklist',
    noPayload,
    async (_input, context): Promise<SetupChecklistView> => {
      await requireGlobalAdmin(context.accountId);
      return getSetupChecklist();
    },
  );
}
