// Entry point of the simulators: a router that sends the app's egress to the Sentry or SonarCloud
// simulator by host, and a demo world (all three simulators, seeded) for tests and the sandbox.

import type { ExternalHandler } from '../runtime/types';
import {
  APP_ACCOUNT_ID,
  JIRA_DEMO_USERS,
  type JiraHandler,
  JiraSimulator,
  type JiraSimulatorOptions,
} from './jira';
import { SENTRY_DEMO_TOKENS, SentrySimulator } from './sentry';
import { SONARCLOUD_DEMO_TOKENS, SonarCloudSimulator } from './sonarcloud';

export type { ExternalHandler };

export interface ExternalTargets {
  sentry?: SentrySimulator | ExternalHandler;
  sonarcloud?: SonarCloudSimulator | ExternalHandler;
}

const asHandler = (target: SentrySimulator | SonarCloudSimulator | ExternalHandler): ExternalHandler =>
  typeof target === 'function' ? target : target.handle;

/** Hosts the Sentry simulator answers: sentry.io and its subdomains (us., de., <org>.). */
export function isSentryHost(host: string): boolean {
  return host === 'sentry.io' || host.endsWith('.sentry.io');
}

/**
 * Dispatches an outgoing request by host: sentry.io / *.sentry.io to Sentry, sonarcloud.io to
 * SonarCloud. Any other host fails as an unreachable network would (TypeError, like fetch).
 */
export function createExternalRouter(targets: ExternalTargets): ExternalHandler {
  const sentry = targets.sentry ? asHandler(targets.sentry) : undefined;
  const sonarcloud = targets.sonarcloud ? asHandler(targets.sonarcloud) : undefined;
  return async (req) => {
    const host = new URL(req.url).hostname.toLowerCase();
    if (sentry && isSentryHost(host)) return sentry(req);
    if (sonarcloud && host === 'sonarcloud.io') return sonarcloud(req);
    throw new TypeError(
      `fetch failed: no simulator answers for host ${host} (only sentry.io, *.sentry.io and sonarcloud.io are simulated)`,
    );
  };
}

export interface DemoWorldOptions {
  /** One clock for all three services (ms). Default Date.now. */
  now?: () => number;
  /** manifest.yml the Jira simulator reads its JQL aliases from. */
  manifestPath?: string;
  jira?: Omit<JiraSimulatorOptions, 'now' | 'manifestPath'>;
}

export interface DemoWorld {
  sentry: SentrySimulator;
  sonarcloud: SonarCloudSimulator;
  jira: JiraSimulator;
  /** For LocalForgeRuntime's `external` option / setExternalHandler. */
  external: ExternalHandler;
  /** For LocalForgeRuntime's `jira` option / setJiraHandler. */
  jiraHandler: JiraHandler;
  /** Credentials and accounts the demo services accept. */
  credentials: {
    sentry: typeof SENTRY_DEMO_TOKENS;
    sonarcloud: typeof SONARCLOUD_DEMO_TOKENS;
    jiraUsers: typeof JIRA_DEMO_USERS;
    jiraAppAccountId: string;
  };
  /** Points a runtime (anything with setJiraHandler / setExternalHandler) at this world. */
  attach(runtime: {
    setJiraHandler(h: JiraHandler): void;
    setExternalHandler(h: ExternalHandler): void;
  }): void;
  /** Clears every simulator's request log and pending faults. */
  resetLogsAndFaults(): void;
}

/** Seeded Sentry (acme, acme-eu), SonarCloud (acme) and Jira (SHOP, PAY, OPS) sharing one clock. */
export function createDemoWorld(options: DemoWorldOptions = {}): DemoWorld {
  const now = options.now ?? Date.now;
  const sentry = new SentrySimulator({ now });
  const sonarcloud = new SonarCloudSimulator({ now });
  const jira = new JiraSimulator({
    ...options.jira,
    now,
    ...(options.manifestPath ? { manifestPath: options.manifestPath } : {}),
  });
  const external = createExternalRouter({ sentry, sonarcloud });
  return {
    sentry,
    sonarcloud,
    jira,
    external,
    jiraHandler: jira.handle,
    credentials: {
      sentry: SENTRY_DEMO_TOKENS,
      sonarcloud: SONARCLOUD_DEMO_TOKENS,
      jiraUsers: JIRA_DEMO_USERS,
      jiraAppAccountId: APP_ACCOUNT_ID,
    },
    attach(runtime) {
      runtime.setJiraHandler(jira.handle);
      runtime.setExternalHandler(external);
    },
    resetLogsAndFaults() {
      for (const sim of [sentry, sonarcloud, jira]) {
        sim.requestLog.clear();
        sim.clearFaults();
      }
    },
  };
}

export { JiraSimulator, SentrySimulator, SonarCloudSimulator };
export { SENTRY_DEMO_TOKENS, SONARCLOUD_DEMO_TOKENS, JIRA_DEMO_USERS, APP_ACCOUNT_ID };
export type { FaultHandle, FaultKind, FaultSpec } from './shared/faults';
export type { RequestLogEntry } from './shared/request-log';
export type { SimRequest } from './shared/sim-request';
export type { JiraIssueEvent, JiraRequest, ChangeOrigin } from './jira';
