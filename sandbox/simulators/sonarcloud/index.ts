export { ISSUE_SEARCH_CAP, SonarCloudSimulator, type SonarCloudSimulatorOptions } from './simulator';
export { SONARCLOUD_DEMO_TOKENS, type SonarTokenGrant } from './demo';
export type { AnalysisFacts } from './store';
