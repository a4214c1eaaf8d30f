// The Sentry simulator's integration-platform external issues: the links an integration puts on a
// Sentry issue ("SHOP#SHOP-12" in the issue's sidebar). Follows reference/sentry/openapi.trimmed.json:
//   POST   /api/0/sentry-app-installations/{uuid}/external-issues/                     200 (create or update)
//   DELETE /api/0/sentry-app-installations/{uuid}/external-issues/{external_issue_id}/ 204, 404 when unknown
//   GET    /api/0/organizations/{org}/issues/{issue_id}/external-issues/                200, a list
// Sentry keeps one external issue per Sentry issue and integration (PlatformExternalIssue is unique on
// group and service type): posting again for the same issue updates it and keeps its id.

import { jsonResponse, type SimRequest } from '../shared/sim-request';
import { HttpError } from '../shared/simulated-service';
import type { SentryTokenGrant } from './demo';
import type { SentryIssue, SentryStore } from './store';

/** An installation of an integration (a Sentry app) in one organization. */
export interface SentryAppInstallation {
  uuid: string;
  organizationSlug: string;
  /** The app's slug: the external issues' `serviceType`. */
  appSlug: string;
}

/** An external issue as Sentry answers it. */
export interface SentryExternalIssueView {
  id: string;
  issueId: string;
  serviceType: string;
  displayName: string;
  webUrl: string;
}

/** The demo organization's installation of this app (acme); acme-eu has none until a test adds one. */
export const SENTRY_DEMO_INSTALLATIONS: readonly SentryAppInstallation[] = [
  {
    uuid: '7ad3c2e1-5b4f-4e1a-9c2d-ac3e00000001',
    organizationSlug: 'acme',
    appSlug: 'product-health-for-jira',
  },
];

const SCOPES_CREATE = ['event:write', 'event:admin'];
const SCOPES_DELETE = ['event:admin'];
const FORBIDDEN = (): HttpError =>
  new HttpError(403, { detail: 'You do not have permission to perform this action.' });
const NOT_FOUND = (): HttpError => new HttpError(404, { detail: 'The requested resource does not exist' });

export class SentryExternalIssues {
  private readonly installations = new Map<string, SentryAppInstallation>();
  private readonly byId = new Map<string, SentryExternalIssueView & { installationUuid: string }>();
  private nextId = 1;

  constructor(private readonly store: SentryStore) {}

  addInstallation(installation: SentryAppInstallation): void {
    this.installations.set(installation.uuid, { ...installation });
  }

  /** The external issues on a Sentry issue, oldest first. */
  ofIssue(issueId: string): SentryExternalIssueView[] {
    return [...this.byId.values()]
      .filter((external) => external.issueId === issueId)
      .map(({ installationUuid: _installationUuid, ...view }) => view);
  }

  /** `/api/0/sentry-app-installations/...` */
  route(req: SimRequest, path: string, grant: SentryTokenGrant): Response {
    const m = /^\/api\/0\/sentry-app-installations\/([^/]+)\/external-issues\/(?:([^/]+)\/)?$/.exec(path);
    if (!m) throw NOT_FOUND();
    const installation = this.installations.get(decodeURIComponent(m[1] ?? ''));
    if (!installation) throw NOT_FOUND();
    if (!grant.organizations.includes(installation.organizationSlug)) throw FORBIDDEN();
    const externalId = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    if (externalId === undefined) {
      if (req.method !== 'POST') throw new HttpError(405, { detail: `Method "${req.method}" not allowed.` });
      if (!SCOPES_CREATE.some((scope) => grant.scopes.includes(scope))) throw FORBIDDEN();
      return this.upsert(req, installation);
    }
    if (req.method !== 'DELETE') throw new HttpError(405, { detail: `Method "${req.method}" not allowed.` });
    if (!SCOPES_DELETE.some((scope) => grant.scopes.includes(scope))) throw FORBIDDEN();
    const found = this.byId.get(externalId);
    if (!found || found.installationUuid !== installation.uuid) throw NOT_FOUND();
    this.byId.delete(externalId);
    return new Response(null, { status: 204 });
  }

  private upsert(req: SimRequest, installation: SentryAppInstallation): Response {
    let body: unknown;
    try {
      body = JSON.parse(req.body ?? '');
    } catch {
      throw new HttpError(400, { detail: 'JSON parse error' });
    }
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const problems: Record<string, string[]> = {};
    if (!Number.isInteger(input.issueId)) problems.issueId = ['A valid integer is required.'];
    for (const field of ['webUrl', 'project', 'identifier'] as const) {
      const value = input[field];
      if (typeof value !== 'string' || value.trim() === '') problems[field] = ['This field is required.'];
    }
    if (typeof input.webUrl === 'string' && !/^https?:\/\/\S+$/.test(input.webUrl)) {
      problems.webUrl = ['Enter a valid URL.'];
    }
    if (Object.keys(problems).length > 0) return jsonResponse(problems, 400);
    const issueId = String(input.issueId);
    const issue: SentryIssue | undefined = this.store.issues.get(issueId);
    if (!issue || this.store.projectOf(issue).organizationSlug !== installation.organizationSlug) {
      throw NOT_FOUND();
    }
    const fields = {
      issueId,
      serviceType: installation.appSlug,
      displayName: `${String(input.project)}#${String(input.identifier)}`,
      webUrl: String(input.webUrl),
    };
    const existing = [...this.byId.values()].find(
      (external) => external.issueId === issueId && external.serviceType === installation.appSlug,
    );
    const id = existing?.id ?? String(this.nextId++);
    this.byId.set(id, { id, ...fields, installationUuid: installation.uuid });
    return jsonResponse({ id, ...fields });
  }
}
