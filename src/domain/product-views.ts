// What the product resolvers of the global settings page return: products, their mappings, the lists
// of Jira, Sentry and SonarCloud projects to pick from, and bulk assignment. Pure types.
import type { SentryProjectRef, SonarProjectRef } from './model';

/** A Jira project as the page names it; key and name are null when the user cannot browse it. */
export interface JiraProjectLabel {
  id: string;
  key: string | null;
  name: string | null;
}

export interface MappedSentryProjectView extends SentryProjectRef {
  connectionLabel: string;
}

export interface MappedSonarProjectView extends SonarProjectRef {
  connectionLabel: string;
}

/** One project to map to a product or unmap from it, as picked from a list. */
export type MappingTarget =
  | { kind: 'jira'; jiraProjectId: string }
  | { kind: 'sentry'; connectionId: string; projectId: string; projectSlug: string }
  | { kind: 'sonarcloud'; connectionId: string; projectKey: string; branch: string };

/** What one product maps to, with names to show. */
export interface ProductMappingView {
  productId: string;
  jiraProjects: JiraProjectLabel[];
  sentryProjects: MappedSentryProjectView[];
  sonarProjects: MappedSonarProjectView[];
}

/** What deleting a product does, for the warning the admin confirms. */
export interface ProductDeletionPreview {
  product: { id: string; name: string };
  /** Direct children: they move up to `newParent` (null: the top level) with their own mappings. */
  children: Array<{ id: string; name: string }>;
  newParent: { id: string; name: string } | null;
  /** What the product maps: unassigned by the delete. */
  mapping: ProductMappingView;
  /** Automation rules scoped to the product: deleted with it. */
  rules: Array<{ id: string; name: string }>;
  /** Why the delete cannot go ahead now; empty when it can. */
  blockers: string[];
}

export interface ProductDeletionResult {
  productId: string;
  movedChildren: number;
  unassignedProjects: number;
  deletedRules: number;
}

// ---- lists to pick from ----

export interface JiraProjectOption {
  id: string;
  key: string;
  name: string;
}

export interface JiraProjectPageView {
  items: JiraProjectOption[];
  /** Pass back as startAt for the next page; null on the last. */
  nextStartAt: number | null;
  total: number | null;
}

export interface SentryProjectOption {
  connectionId: string;
  id: string;
  slug: string;
  name: string;
  platform: string | null;
}

export interface SentryProjectPageView {
  items: SentryProjectOption[];
  nextCursor: string | null;
}

export interface SonarProjectOption {
  connectionId: string;
  key: string;
  name: string;
}

export interface SonarProjectPageView {
  items: SonarProjectOption[];
  /** Pass back as page for the next page; null on the last. */
  nextPage: number | null;
  total: number;
}

export interface SonarBranchOption {
  name: string;
  isMain: boolean;
}

/** Read per project for the bulk table: its main branch and languages (largest first). */
export interface SonarProjectDetails {
  projectKey: string;
  /** Null when SonarCloud reports no branch (never analysed). */
  mainBranch: string | null;
  languages: string[];
}

// ---- bulk assignment ----

export type BulkSource = 'sentry' | 'sonarcloud';

/** Who owns each Sentry project and SonarCloud branch now, read from the products' mappings. */
export interface AssignmentsView {
  sentry: Array<{ connectionId: string; projectId: string; productId: string }>;
  sonarcloud: Array<{ connectionId: string; projectKey: string; branch: string; productId: string }>;
}

/** One project of a bulk change, with the owner the admin saw (the change is refused if it moved since). */
export type BulkItem =
  | {
      source: 'sentry';
      connectionId: string;
      projectId: string;
      projectSlug: string;
      expectedProductId: string | null;
    }
  | {
      source: 'sonarcloud';
      connectionId: string;
      projectKey: string;
      branch: string;
      expectedProductId: string | null;
    };

export interface BulkChangeResult {
  /** Projects now assigned to the product (or unassigned, for an unassign). */
  changed: number;
  /** Already as asked: nothing written for them. */
  unchanged: number;
  /** Left alone, with the reason (someone else changed them since the page read them). */
  skipped: Array<{ item: BulkItem; reason: string }>;
}
