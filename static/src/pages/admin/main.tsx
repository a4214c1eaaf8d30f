import { mountPage } from '../../shared/mount';
import { AdminPage } from './AdminPage';

mountPage(<AdminPage />);
