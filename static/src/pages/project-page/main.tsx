import { mountPage } from '../../shared/mount';
import { ProjectPage } from './ProjectPage';

mountPage(<ProjectPage />);
