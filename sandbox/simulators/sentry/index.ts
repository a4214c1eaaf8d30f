export {
  SentrySimulator,
  type SentryIssuePatch,
  type SentryIssueView,
  type SentrySimulatorOptions,
} from './simulator';
export { SENTRY_DEMO_TOKENS, type SentryTokenGrant } from './demo';
export {
  SENTRY_DEMO_INSTALLATIONS,
  type SentryAppInstallation,
  type SentryExternalIssueView,
} from './external-issues';
export type { GenerateIssuesOptions, IssueStatus, NewIssueInput, SentryAssignee, Substatus } from './store';
export type { SentryLevel } from './templates';
