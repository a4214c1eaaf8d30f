// Which links taken from remote data (Sentry permalinks, SonarCloud project links) the app stores and
// the pages open. Remote data is not trusted to point where it should: a webhook body or an API answer
// could carry `javascript:`, `http:`, credentials or another site. Pure and zod-free: the pages use it too.

/** Hosts the pages may open at all: Sentry's organization subdomains and sentry.io, and SonarCloud. */
const SENTRY_BASE_HOST = 'sentry.io';
const SONARCLOUD_HOST = 'sonarcloud.io';
const MAX_LINK_LENGTH = 2_048;

function parseHttps(value: string | null | undefined): URL | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LINK_LENGTH) return null;
  // Control characters and spaces are never part of a link Sentry or SonarCloud builds.
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f)) return null;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  // Only https on the default port, without credentials.
  if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '') return null;
  return url;
}

/**
 * True for a link to a page of the Sentry organization `organizationSlug`: https on its own subdomain
 * (`https://acme.sentry.io/issues/1/`), or on sentry.io under its path
 * (`https://sentry.io/organizations/acme/issues/1/`, and the legacy `https://sentry.io/acme/web/issues/1/`).
 */
export function isSentryOrganizationLink(
  value: string | null | undefined,
  organizationSlug: string,
): boolean {
  const url = parseHttps(value);
  if (!url || organizationSlug === '') return false;
  const slug = organizationSlug.toLowerCase();
  const host = url.hostname.toLowerCase();
  if (host === `${slug}.${SENTRY_BASE_HOST}`) return true;
  if (host !== SENTRY_BASE_HOST) return false;
  const path = url.pathname.toLowerCase();
  return path.startsWith(`/organizations/${slug}/`) || path.startsWith(`/${slug}/`);
}

/** True for an https link on SonarCloud (project and branch dashboards). */
export function isSonarCloudLink(value: string | null | undefined): boolean {
  const url = parseHttps(value);
  return url !== null && url.hostname.toLowerCase() === SONARCLOUD_HOST;
}

/**
 * The check the pages make before opening a link: https on sentry.io (or one of its subdomains) or on
 * SonarCloud. The server already stored only links of the connection's own organization; this keeps a
 * page from opening anything else should a stored value be wrong.
 */
export function isOpenableExternalLink(value: string | null | undefined): boolean {
  const url = parseHttps(value);
  if (!url) return false;
  const host = url.hostname.toLowerCase();
  return host === SENTRY_BASE_HOST || host.endsWith(`.${SENTRY_BASE_HOST}`) || host === SONARCLOUD_HOST;
}
