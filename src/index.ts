// Every handler that manifest.yml names, and nothing else.
export { issuePanelResolverDefinitions as issuePanelResolver } from './entry/resolvers/issue-panel';
export { issueContextResolverDefinitions as issueContextResolver } from './entry/resolvers/issue-context';
export { projectPageResolverDefinitions as projectPageResolver } from './entry/resolvers/project-page';
export { projectSettingsResolverDefinitions as projectSettingsResolver } from './entry/resolvers/project-settings';
export { adminResolverDefinitions as adminResolver } from './entry/resolvers/admin';
export { handleSentryWebhook } from './entry/webtriggers/sentry-webhook';
export { handleSonarCloudWebhook } from './entry/webtriggers/sonarcloud-webhook';
export { followUpConsumer } from './entry/consumers/follow-up-consumer';
export { runScheduledSync } from './entry/scheduled/sync-schedule';
export { syncConsumer } from './entry/consumers/sync-consumer';
export { bulkCreateConsumer } from './entry/consumers/bulk-create-consumer';
export { reactionsConsumer } from './entry/consumers/reactions-consumer';
export { healthPassConsumer } from './entry/consumers/health-pass-consumer';
export { handleJiraIssueUpdated } from './entry/triggers/jira-issue-updated';
export { handleJiraIssueDeleted } from './entry/triggers/jira-issue-deleted';
export { handleJiraIssueCommented } from './entry/triggers/jira-issue-commented';
export { handleAppLifecycle } from './entry/triggers/app-lifecycle';
