import { getPageContext } from '../../shared/bridge';
import { mountPage } from '../../shared/mount';
import { AdminPage } from './AdminPage';
import { GetStartedPage } from './get-started/GetStartedPage';
import { GET_STARTED_MODULE_KEY } from './get-started/settings-link';

// One resource serves the settings page, Configure and Get started: the module key says which this is.
getPageContext().then(
  (context) => mountPage(context.moduleKey === GET_STARTED_MODULE_KEY ? <GetStartedPage /> : <AdminPage />),
  () => mountPage(<AdminPage />),
);
