export {
  SentrySimulator,
  type SentryIssuePatch,
  type SentryIssueView,
  type SentrySimulatorOptions,
} from './simulator';
export { SENTRY_DEMO_TOKENS, type SentryTokenGrant } from './demo';
export type { GenerateIssuesOptions, IssueStatus, NewIssueInput, SentryAssignee, Substatus } from './store';
export type { SentryLevel } from './templates';
