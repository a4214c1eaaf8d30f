// The Custom UI surfaces manifest.yml declares: which module shows which resource, served by which
// resolver function, and which subpage routes it has. The sandbox host builds its pages from these.
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';

export type SurfaceKind =
  | 'jira:issuePanel'
  | 'jira:issueContext'
  | 'jira:projectPage'
  | 'jira:projectSettingsPage'
  | 'jira:adminPage';
export const SURFACE_KINDS: readonly SurfaceKind[] = [
  'jira:issuePanel',
  'jira:issueContext',
  'jira:projectPage',
  'jira:projectSettingsPage',
  'jira:adminPage',
];

export interface Surface {
  kind: SurfaceKind;
  moduleKey: string;
  title: string;
  /** The resource key; its folder (static/dist/<resource>) is what the page loads. */
  resource: string;
  /**
   * The built folder the sandbox serves. For UI Kit (`render: native`) manifest.yml names the entry
   * source instead, and this is static/dist/<resource>, where scripts/ui-kit-bundle.ts bundles it.
   */
  resourcePath: string;
  /** 'native' for UI Kit: the page is the bundle plus the sandbox's renderer of UI Kit components. */
  render: 'default' | 'native';
  /** UI Kit only: the entry source manifest.yml names. */
  sourcePath: string | null;
  /** The function whose resolver answers this page's invoke calls. */
  functionKey: string;
  /** Subpage routes (jira:projectPage `pages`), empty when the module has none. */
  routes: Array<{ title: string; route: string }>;
  /** What the page needs from Jira: an issue (panel), a project (project pages) or nothing (admin). */
  needs: 'issue' | 'project' | 'none';
  flags: { useAsConfig: boolean; useAsGetStarted: boolean };
}

const uiModuleSchema = z.object({
  key: z.string(),
  resource: z.string(),
  resolver: z.object({ function: z.string() }),
  title: z.string(),
  render: z.enum(['default', 'native']).optional(),
  pages: z.array(z.object({ title: z.string(), route: z.string() })).optional(),
  useAsConfig: z.boolean().optional(),
  useAsGetStarted: z.boolean().optional(),
});

const manifestSchema = z.object({
  modules: z.record(z.string(), z.array(z.unknown())),
  resources: z.array(z.object({ key: z.string(), path: z.string() })),
});

const needsOf: Record<SurfaceKind, Surface['needs']> = {
  'jira:issuePanel': 'issue',
  'jira:issueContext': 'issue',
  'jira:projectPage': 'project',
  'jira:projectSettingsPage': 'project',
  'jira:adminPage': 'none',
};

export function readSurfaces(manifestPath: string): Surface[] {
  const manifest = manifestSchema.parse(load(fs.readFileSync(manifestPath, 'utf8')));
  const resources = new Map(manifest.resources.map((resource) => [resource.key, resource.path]));
  const surfaces: Surface[] = [];
  for (const kind of SURFACE_KINDS) {
    for (const raw of manifest.modules[kind] ?? []) {
      const module = uiModuleSchema.parse(raw);
      const resourcePath = resources.get(module.resource);
      if (!resourcePath) {
        throw new Error(
          `manifest.yml: module ${module.key} uses resource "${module.resource}", which resources does not declare.`,
        );
      }
      const native = module.render === 'native';
      const declared = path.join(path.dirname(manifestPath), resourcePath);
      surfaces.push({
        kind,
        moduleKey: module.key,
        title: module.title,
        resource: module.resource,
        resourcePath: native
          ? path.join(path.dirname(manifestPath), 'static', 'dist', module.resource)
          : declared,
        render: native ? 'native' : 'default',
        sourcePath: native ? declared : null,
        functionKey: module.resolver.function,
        routes: module.pages ?? [],
        needs: needsOf[kind],
        flags: { useAsConfig: module.useAsConfig ?? false, useAsGetStarted: module.useAsGetStarted ?? false },
      });
    }
  }
  return surfaces;
}
