// The one place pages talk to Forge: typed resolver calls and the page context.
import { invoke, router, view } from '@forge/bridge';
import { isOpenableExternalLink } from '../../../src/domain/remote-links';
import type { ResolverResult } from '../../../src/domain/views';

/** A resolver answered with an error, or the call itself failed; `message` is safe to show. */
export class ResolverCallError extends Error {
  constructor(
    readonly resolverKey: string,
    readonly code: string,
    message: string,
    /** The input the message is about ('name', 'parentId'...), when the app named one. */
    readonly field?: string,
    /** When several inputs are to blame: per input path ('trigger.count'), the reason. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ResolverCallError';
  }
}

function isResolverResult(value: unknown): value is ResolverResult<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** Calls a resolver of this page's function and unwraps its ResolverResult envelope. */
export async function callResolver<T>(
  resolverKey: string,
  payload: Record<string, unknown> = {},
): Promise<T> {
  let answer: unknown;
  try {
    answer = await invoke(resolverKey, payload);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ResolverCallError(
      resolverKey,
      'call-failed',
      `Could not reach the app (${resolverKey}): ${message}`,
    );
  }
  if (!isResolverResult(answer)) {
    throw new ResolverCallError(
      resolverKey,
      'bad-answer',
      `The app answered ${resolverKey} in an unexpected shape.`,
    );
  }
  if (!answer.ok) {
    const { code, message, field, fields } = answer.error;
    throw new ResolverCallError(resolverKey, code, message, field, fields);
  }
  return answer.data as T;
}

export interface PageContext {
  moduleKey: string;
  siteUrl: string;
  locale: string;
  timezone: string;
  project: { id: string; key: string } | null;
  issue: { id: string; key: string } | null;
}

function readEntity(value: unknown): { id: string; key: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, key } = value as { id?: unknown; key?: unknown };
  if (id === undefined || id === null) return null;
  return { id: String(id), key: typeof key === 'string' ? key : String(id) };
}

/** The context Jira gives this page, reduced to what the pages show (ids are only for display). */
export async function getPageContext(): Promise<PageContext> {
  const context = await view.getContext();
  const extension = (context.extension ?? {}) as Record<string, unknown>;
  return {
    moduleKey: context.moduleKey,
    siteUrl: context.siteUrl,
    locale: context.locale ?? 'en-US',
    timezone: context.timezone ?? 'UTC',
    project: readEntity(extension.project),
    issue: readEntity(extension.issue),
  };
}

/**
 * Opens a Sentry or SonarCloud page in a new tab (Jira asks the user before leaving for another site).
 * Every page opens external links through here, and only https pages of Sentry or SonarCloud open:
 * links come from remote data. Answers whether it opened.
 */
export function openExternal(url: string): boolean {
  if (!isOpenableExternalLink(url)) return false;
  void router.open(url);
  return true;
}
