import { mountPage } from '../../shared/mount';
import { IssuePanel } from './IssuePanel';

mountPage(<IssuePanel />);
