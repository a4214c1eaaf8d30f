export {
  type ChangeOrigin,
  type JiraCommentEvent,
  type JiraCommentListener,
  type JiraHandler,
  type JiraIssueEvent,
  type JiraIssueListener,
  type JiraIssueView,
  type JiraRequest,
  JiraSimulator,
  type JiraSimulatorOptions,
} from './simulator';
export { APP_ACCOUNT_ID, JIRA_DEMO_USERS } from './demo';
export type { EntityPropertyAlias } from './manifest-aliases';
