import { mountPage } from '../../shared/mount';
import { ProjectSettings } from './ProjectSettings';

mountPage(<ProjectSettings />);
