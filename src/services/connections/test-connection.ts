// Connection test for the global settings page: does the token work, which organization does it
// reach, how many projects does it see, and which needed scope is missing, in plain words.
import {
  AuthError,
  type HttpOptions,
  NotFoundError,
  PermissionError,
  RemoteError,
  type ExternalFetch,
} from '../../clients/http';
import { SENTRY_REQUIRED_SCOPES, SENTRY_SCOPES, SentryClient } from '../../clients/sentry';
import { SonarCloudClient } from '../../clients/sonarcloud';
import type { ConnectionTestReport } from '../../domain/connection-settings';
import type { SentryRegion } from '../../domain/model';

export type { ConnectionTestReport };

export interface ClientOverrides {
  http?: HttpOptions;
  fetch?: ExternalFetch;
  baseUrl?: string;
}

/** A scope is granted by itself or by a broader one of the same resource (read < write < admin). */
const SENTRY_IMPLIED_BY: Readonly<Record<string, readonly string[]>> = {
  'org:read': ['org:read', 'org:write', 'org:admin'],
  'event:read': ['event:read', 'event:write', 'event:admin'],
  'event:write': ['event:write', 'event:admin'],
};

const SCOPE_PURPOSE: Readonly<Record<string, string>> = {
  [SENTRY_SCOPES.readOrganization]: 'to list projects',
  [SENTRY_SCOPES.readIssues]: 'to read issues and events',
  [SENTRY_SCOPES.writeIssues]: 'to resolve, unresolve and archive issues from Jira',
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function failure(error: unknown): string {
  if (error instanceof RemoteError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

type ReportFacts = Omit<ConnectionTestReport, 'ok' | 'summary'>;

/** The report before any check has run; each check then adds a line to its `details`. */
function untestedReport(system: ConnectionTestReport['system']): ReportFacts {
  return {
    system,
    tokenWorks: false,
    organization: null,
    projectCount: null,
    missingScopes: [],
    unverifiedScopes: [],
    details: [],
  };
}

function finish(report: ReportFacts, summary?: string): ConnectionTestReport {
  const ok = report.tokenWorks && report.organization !== null && report.missingScopes.length === 0;
  if (summary !== undefined) return { ...report, ok, summary };
  const reach = report.organization
    ? `reaches the ${report.system} organization "${report.organization.name}"` +
      (report.projectCount !== null ? ` and sees ${plural(report.projectCount, 'project')}` : '')
    : `works`;
  const missing =
    report.missingScopes.length > 0
      ? ` It lacks ${report.missingScopes.join(', ')}: ${report.missingScopes
          .map((scope) => `${scope} is needed ${SCOPE_PURPOSE[scope] ?? 'by the app'}`)
          .join('; ')}.`
      : '';
  const unverified =
    report.unverifiedScopes.length > 0
      ? ` Could not check ${report.unverifiedScopes.join(', ')} without changing an issue; make sure the token has it.`
      : '';
  return { ...report, ok, summary: `The token ${reach}.${missing}${unverified}` };
}

/** Tests a Sentry connection with read-only calls. */
export async function testSentryConnection(
  connection: { region: SentryRegion; organizationSlug: string },
  token: string,
  overrides: ClientOverrides = {},
): Promise<ConnectionTestReport> {
  const base = untestedReport('Sentry');
  const { details } = base;
  if (token.trim() === '')
    return finish(base, 'No auth token is saved for this connection: paste one first.');
  const client = new SentryClient({ ...connection, token, ...overrides });
  const region = connection.region.toUpperCase();

  let organization: Awaited<ReturnType<SentryClient['getOrganization']>>;
  try {
    organization = await client.getOrganization();
    details.push(`Organization: ${organization.name} (${organization.slug}), ${region} region.`);
  } catch (error) {
    details.push(failure(error));
    if (error instanceof AuthError) return finish(base, error.message);
    if (error instanceof NotFoundError) {
      return finish(
        { ...base, tokenWorks: true },
        `Sentry has no organization "${connection.organizationSlug}" in the ${region} region that this token can see: ` +
          `check the slug (as in https://<slug>.sentry.io) and the region.`,
      );
    }
    if (error instanceof PermissionError) {
      return finish(
        { ...base, tokenWorks: true, missingScopes: [SENTRY_SCOPES.readOrganization] },
        `The token works but lacks ${SENTRY_SCOPES.readOrganization}, needed to read the organization and its projects.`,
      );
    }
    return finish(base, `Could not test the connection: ${failure(error)}`);
  }

  const report = {
    ...base,
    tokenWorks: true,
    organization: { key: organization.slug, name: organization.name },
  };
  const missing = new Set<string>();
  // Sentry lists the token's effective scopes in the organization's `access` (when it reports them).
  const access = organization.access;
  if (access) {
    for (const scope of SENTRY_REQUIRED_SCOPES) {
      if (!(SENTRY_IMPLIED_BY[scope] ?? [scope]).some((granted) => access.includes(granted)))
        missing.add(scope);
    }
    details.push(`Scopes Sentry reports for the token: ${access.length > 0 ? access.join(', ') : 'none'}.`);
  }

  let projectCount: number | null = null;
  try {
    projectCount = (await client.listProjects()).length;
    details.push(`Projects visible: ${projectCount}.`);
  } catch (error) {
    details.push(failure(error));
    if (error instanceof PermissionError) missing.add(SENTRY_SCOPES.readOrganization);
    else if (!(error instanceof NotFoundError))
      return finish({ ...report, missingScopes: [...missing] }, `Could not list projects: ${failure(error)}`);
  }

  try {
    await client.listIssuesPage({ limit: 1 });
    details.push('Issues can be read.');
  } catch (error) {
    details.push(failure(error));
    if (error instanceof PermissionError) missing.add(SENTRY_SCOPES.readIssues);
    else
      return finish(
        { ...report, projectCount, missingScopes: [...missing] },
        `Could not read issues: ${failure(error)}`,
      );
  }

  const unverified = access ? [] : [SENTRY_SCOPES.writeIssues];
  return finish({
    ...report,
    projectCount,
    missingScopes: SENTRY_REQUIRED_SCOPES.filter((scope) => missing.has(scope)),
    unverifiedScopes: unverified,
  });
}

/** Tests a SonarCloud connection with read-only calls. */
export async function testSonarCloudConnection(
  connection: { organizationKey: string },
  token: string,
  overrides: ClientOverrides = {},
): Promise<ConnectionTestReport> {
  const base = untestedReport('SonarCloud');
  const { details } = base;
  if (token.trim() === '') return finish(base, 'No token is saved for this connection: paste one first.');
  const client = new SonarCloudClient({ organizationKey: connection.organizationKey, token, ...overrides });

  try {
    const valid = await client.validateToken();
    details.push(valid ? 'SonarCloud accepts the token.' : 'SonarCloud does not recognise the token.');
    if (!valid) {
      return finish(
        base,
        'SonarCloud does not recognise the token: generate a new one in SonarCloud (My Account > Security) and save it.',
      );
    }
  } catch (error) {
    details.push(failure(error));
    return finish(
      base,
      error instanceof AuthError ? error.message : `Could not test the connection: ${failure(error)}`,
    );
  }

  try {
    const page = await client.searchProjects({ pageSize: 1 });
    const projectCount = page.paging.total;
    details.push(`Projects visible in ${connection.organizationKey}: ${projectCount}.`);
    const report = {
      ...base,
      tokenWorks: true,
      organization: { key: connection.organizationKey, name: connection.organizationKey },
      projectCount,
    };
    if (projectCount === 0) {
      return finish(
        { ...report, missingScopes: ['Browse'] },
        `The token works and reaches the SonarCloud organization "${connection.organizationKey}", but sees no projects: ` +
          `give its user the Browse permission on the projects to follow (or check the organization key).`,
      );
    }
    return finish(report);
  } catch (error) {
    details.push(failure(error));
    if (error instanceof NotFoundError) {
      return finish(
        { ...base, tokenWorks: true },
        `SonarCloud has no organization "${connection.organizationKey}" that this token can see: check the organization key.`,
      );
    }
    if (error instanceof PermissionError) {
      return finish(
        { ...base, tokenWorks: true, missingScopes: ['Browse'] },
        `The token works but may not browse the organization "${connection.organizationKey}": add its user to the organization.`,
      );
    }
    return finish({ ...base, tokenWorks: true }, `Could not list projects: ${failure(error)}`);
  }
}
