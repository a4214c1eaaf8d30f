import { mountPage } from '../../shared/mount';
import { ProjectSettings } from './ProjectSettings';
import './project-settings.css';

mountPage(<ProjectSettings />);
