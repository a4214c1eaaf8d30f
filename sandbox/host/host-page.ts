// HTML of the sandbox: the index of surfaces, and each surface's built page with the bridge shim and
// a thin Jira-like bar injected (no iframe: the page is the document, as in Forge's own iframe).
import fs from 'node:fs';
import path from 'node:path';
import type { Surface } from './surfaces';

export type ColorMode = 'light' | 'dark';

export interface SandboxPageQuery {
  project?: string;
  issue?: string;
}

export interface DemoLocation {
  project: { id: string; key: string; name: string };
  issue: { id: string; key: string; summary: string } | null;
}

/** Token values of Atlassian's dark theme for the tokens the pages use (Jira loads the full set). */
export const DARK_TOKENS_CSS = `html[data-color-mode="dark"] {
  --ds-text: #B6C2CF; --ds-text-subtle: #9FADBC; --ds-text-subtlest: #8C9BAB; --ds-text-disabled: #BFDBF847;
  --ds-link: #579DFF; --ds-icon-brand: #579DFF; --ds-chart-brand: #388BFF;
  --ds-surface: #1D2125; --ds-surface-sunken: #161A1D; --ds-surface-raised: #22272B;
  --ds-border: #A6C5E229; --ds-border-danger: #F87168;
  --ds-background-neutral: #A1BDD914; --ds-background-neutral-hovered: #A6C5E229;
  --ds-background-danger: #42221F; --ds-text-danger: #FD9891;
  --ds-background-warning: #533F04; --ds-text-warning: #F5CD47;
  --ds-background-success: #1C3329; --ds-text-success: #7EE2B8;
  --ds-background-information: #1C2B41; --ds-text-information: #85B8FF;
  --ds-background-discovery: #2B273F; --ds-text-discovery: #B8ACF6;
}`;

/**
 * Every token of Atlassian's dark theme, as Jira loads it when a page calls view.theme.enable(), from
 * @atlaskit/tokens (the Atlaskit components read tokens beyond the short list above). Empty if the
 * package moves the file; the short list still applies.
 */
function atlassianDarkThemeCss(): string {
  try {
    const tokens = path.dirname(require.resolve('@atlaskit/tokens/package.json'));
    const file = path.join(tokens, 'dist', 'cjs', 'artifacts', 'themes', 'atlassian-dark.js');
    // The module only exports the stylesheet as one string literal.
    const literal = /exports\.default = ("(?:[^"\\]|\\.)*")/.exec(fs.readFileSync(file, 'utf8'))?.[1];
    return literal ? (JSON.parse(literal) as string) : '';
  } catch {
    return '';
  }
}
const ATLASSIAN_DARK_THEME_CSS = atlassianDarkThemeCss();

const SANDBOX_CHROME_CSS = `
.sbx-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 16px;
  font: 13px/20px ui-sans-serif, -apple-system, 'Segoe UI', sans-serif; background: #1f2a44; color: #e6edf7; }
.sbx-bar a { color: #b3d1ff; }
.sbx-bar strong { color: #ffffff; }
.sbx-bar nav { display: flex; gap: 4px; }
.sbx-bar nav a { padding: 2px 8px; border-radius: 3px; text-decoration: none; }
.sbx-bar nav a[aria-current="page"] { background: #3d4b6b; color: #ffffff; }
.sbx-bar .sbx-spacer { flex: 1; }
.sbx-panel #root { max-width: 620px; margin: 16px; padding: 8px 12px;
  border: 1px solid var(--ds-border, #091e4224); border-radius: 4px; }
.sbx-flag { position: fixed; right: 16px; bottom: 16px; max-width: 360px; padding: 12px 16px; border-radius: 4px;
  background: #22272b; color: #ffffff; box-shadow: 0 4px 12px #0005; font: 14px/20px sans-serif; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function queryString(query: SandboxPageQuery & { theme?: ColorMode }): string {
  const params = new URLSearchParams();
  if (query.project) params.set('project', query.project);
  if (query.issue) params.set('issue', query.issue);
  if (query.theme === 'dark') params.set('theme', 'dark');
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function surfaceUrl(
  surface: Surface,
  query: SandboxPageQuery & { theme?: ColorMode },
  route?: string,
): string {
  const firstRoute = surface.routes[0]?.route;
  const path = `/modules/${encodeURIComponent(surface.moduleKey)}${(route ?? firstRoute) ? `/${route ?? firstRoute}` : ''}`;
  const needed: SandboxPageQuery =
    surface.needs === 'issue'
      ? { issue: query.issue }
      : surface.needs === 'project'
        ? { project: query.project }
        : {};
  return path + queryString({ ...needed, theme: query.theme });
}

const kindNames: Record<Surface['kind'], string> = {
  'jira:issuePanel': 'Issue panel',
  'jira:issueContext': 'Issue context (UI Kit)',
  'jira:projectPage': 'Project page',
  'jira:projectSettingsPage': 'Project settings page',
  'jira:adminPage': 'Jira admin page',
};

export interface IndexPageInput {
  surfaces: Surface[];
  location: DemoLocation;
  projects: Array<{ key: string; name: string }>;
  issues: Array<{ key: string; summary: string }>;
  webTriggers: Array<{ moduleKey: string; url: string }>;
  colorMode: ColorMode;
}

export function renderIndexPage(input: IndexPageInput): string {
  const query = {
    project: input.location.project.key,
    issue: input.location.issue?.key,
    theme: input.colorMode,
  };
  const rows = input.surfaces
    .map((surface) => {
      const flags = [
        surface.flags.useAsConfig ? 'Configure page' : '',
        surface.flags.useAsGetStarted ? 'Get started page' : '',
      ]
        .filter(Boolean)
        .join(', ');
      const where =
        surface.needs === 'issue'
          ? `on issue ${escapeHtml(input.location.issue?.key ?? '(none)')}`
          : surface.needs === 'project'
            ? `in project ${escapeHtml(input.location.project.key)}`
            : 'in Jira settings';
      const routes = surface.routes
        .map(
          (route) =>
            `<a href="${escapeHtml(surfaceUrl(surface, query, route.route))}">${escapeHtml(route.title)}</a>`,
        )
        .join(' · ');
      return `<tr>
  <td><a href="${escapeHtml(surfaceUrl(surface, query))}" data-module="${escapeHtml(surface.moduleKey)}">${escapeHtml(surface.title)}</a>${
    flags ? ` <small>(${flags})</small>` : ''
  }</td>
  <td>${kindNames[surface.kind]} ${where}</td>
  <td><code>${escapeHtml(surface.moduleKey)}</code><br><small>resource ${escapeHtml(surface.resource)}, function ${escapeHtml(surface.functionKey)}</small></td>
  <td>${routes}</td>
</tr>`;
    })
    .join('\n');
  const projectOptions = input.projects
    .map(
      (project) =>
        `<option value="${escapeHtml(project.key)}"${project.key === input.location.project.key ? ' selected' : ''}>${escapeHtml(project.key)} · ${escapeHtml(project.name)}</option>`,
    )
    .join('');
  const issueOptions = input.issues
    .map(
      (issue) =>
        `<option value="${escapeHtml(issue.key)}"${issue.key === input.location.issue?.key ? ' selected' : ''}>${escapeHtml(issue.key)} · ${escapeHtml(issue.summary)}</option>`,
    )
    .join('');
  const triggers = input.webTriggers
    .map(
      (trigger) =>
        `<li><code>POST ${escapeHtml(trigger.url)}</code> → web trigger <code>${escapeHtml(trigger.moduleKey)}</code></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Product health sandbox</title>
<style>
body { font: 14px/20px ui-sans-serif, -apple-system, 'Segoe UI', sans-serif; margin: 32px; color: #172b4d; max-width: 1100px; }
table { border-collapse: collapse; width: 100%; margin: 16px 0 24px; }
th, td { text-align: left; padding: 8px; border-bottom: 1px solid #dfe1e6; vertical-align: top; }
th { font-size: 12px; color: #44546f; }
a { color: #0c66e4; }
form { display: flex; gap: 16px; align-items: end; flex-wrap: wrap; }
label { display: flex; flex-direction: column; font-size: 12px; color: #44546f; gap: 4px; }
select, button { font: inherit; }
</style>
</head>
<body>
<h1>Product health for Jira — local sandbox</h1>
<p>The app's Custom UI pages, served from <code>static/dist</code>, calling the app's resolvers in the local Forge runtime.
Storage, Sentry, SonarCloud and Jira are local and simulated; nothing leaves this machine.</p>
<form method="get" action="/">
  <label>Jira project<select name="project">${projectOptions}</select></label>
  <label>Jira issue<select name="issue">${issueOptions}</select></label>
  <label>Theme<select name="theme"><option value="light"${input.colorMode === 'light' ? ' selected' : ''}>Light</option><option value="dark"${input.colorMode === 'dark' ? ' selected' : ''}>Dark</option></select></label>
  <button type="submit">Use</button>
</form>
<table>
<thead><tr><th>Surface</th><th>Where Jira shows it</th><th>Module</th><th>Subpages</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Web triggers</h2>
<ul>${triggers}</ul>
</body>
</html>`;
}

export interface SurfacePageInput {
  surface: Surface;
  /** The built static/dist/<resource>/index.html. */
  builtHtml: string;
  context: Record<string, unknown>;
  location: DemoLocation;
  query: SandboxPageQuery;
  colorMode: ColorMode;
}

function chromeBar(input: SurfacePageInput): string {
  const { surface, location, colorMode } = input;
  const where =
    surface.needs === 'issue'
      ? `issue <strong>${escapeHtml(location.issue?.key ?? '')}</strong> · ${escapeHtml(location.issue?.summary ?? '')}`
      : surface.needs === 'project'
        ? `project <strong>${escapeHtml(location.project.key)}</strong> · ${escapeHtml(location.project.name)}`
        : 'Jira settings → Apps';
  const nav = surface.routes.length
    ? `<nav aria-label="Subpages">${surface.routes
        .map(
          (route) =>
            `<a href="${escapeHtml(surfaceUrl(surface, { ...input.query, theme: colorMode }, route.route))}" data-sbx-route="${escapeHtml(route.route)}">${escapeHtml(route.title)}</a>`,
        )
        .join('')}</nav>`
    : '';
  const otherTheme: ColorMode = colorMode === 'dark' ? 'light' : 'dark';
  return `<div class="sbx-bar" data-sandbox-chrome>
<a href="/${queryString({ project: location.project.key, issue: location.issue?.key, theme: colorMode })}">← Sandbox</a>
<span><strong>${escapeHtml(surface.title)}</strong> · ${where}</span>
${nav}
<span class="sbx-spacer"></span>
<a href="${escapeHtml(surfaceUrl(surface, { ...input.query, theme: otherTheme }))}" data-sbx-theme>${otherTheme} theme</a>
</div>`;
}

/** Wires the subpage links to the page's history, as Jira's own navigation does. */
const CHROME_SCRIPT = `<script>
(function () {
  var links = document.querySelectorAll('[data-sbx-route]');
  function mark() {
    var current = (window.__sandboxHistory.location.pathname || '/').replace(/^\\/+/, '').split('/')[0];
    links.forEach(function (link, index) {
      var active = link.getAttribute('data-sbx-route') === current || (!current && index === 0);
      if (active) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    });
  }
  links.forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      window.__sandboxHistory.push('/' + link.getAttribute('data-sbx-route'));
    });
  });
  document.addEventListener('sandbox:route', mark);
  mark();
})();
</script>`;

/**
 * A UI Kit bundle's page (webpack's index.html) with the sandbox's renderer of UI Kit components; it loads
 * after the bridge shim that renderSurfacePage puts first in <head>, and before the app's deferred bundle.
 */
export function withUiKitRenderer(builtHtml: string): string {
  if (!/<head>/i.test(builtHtml)) {
    throw new Error('The UI Kit bundle has no <head>: rebuild it with tsx scripts/ui-kit-bundle.ts.');
  }
  return builtHtml.replace(/<head>/i, '<head><script src="/sandbox/ui-kit-renderer.js"></script>');
}

export function renderSurfacePage(input: SurfacePageInput): string {
  const { surface } = input;
  const config = {
    moduleKey: surface.moduleKey,
    context: input.context,
    basePath: `/modules/${encodeURIComponent(surface.moduleKey)}`,
    invokeUrl: '/api/invoke',
    query: input.query,
    colorMode: input.colorMode,
    darkTokensCss: DARK_TOKENS_CSS + ATLASSIAN_DARK_THEME_CSS,
  };
  // Before the page's own (module, hence deferred) scripts: @forge/bridge reads __bridge when it loads.
  const head = `<base href="/resources/${encodeURIComponent(surface.resource)}/">
<script>window.__SANDBOX__ = ${scriptJson(config)};</script>
<script src="/sandbox/bridge-shim.js"></script>
<style>${SANDBOX_CHROME_CSS}</style>`;
  let html = input.builtHtml;
  if (!/<head>/i.test(html) || !/<body[^>]*>/i.test(html)) {
    throw new Error(
      `static/dist/${surface.resource}/index.html has no <head> or <body>: rebuild it with npm run build:ui.`,
    );
  }
  html = html.replace(/<head>/i, `<head>\n${head}`);
  const bodyClass = surface.needs === 'issue' ? ' class="sbx-panel"' : '';
  html = html.replace(/<body([^>]*)>/i, `<body$1${bodyClass}>\n${chromeBar(input)}`);
  html = html.replace(/<\/body>/i, `${CHROME_SCRIPT}\n</body>`);
  return html;
}
