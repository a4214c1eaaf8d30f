// How requests leave the app: external hosts through @forge/api `fetch` (subject to the
// manifest's egress list), Jira through `requestJira` with a `route`-built path.
import { asApp, asUser, fetch as forgeFetch, type Route } from '@forge/api';

import type { ResponseLike } from './remote-caller';

export interface OutgoingRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  /** JSON text, already serialised with JSON.stringify (never built by hand). */
  body?: string;
}

export type ExternalFetch = (
  url: string,
  init: OutgoingRequest & { signal: AbortSignal },
) => Promise<ResponseLike>;

/** The default external fetch: Forge's, which enforces the manifest's egress permissions. */
export const forgeExternalFetch: ExternalFetch = (url, init) => forgeFetch(url, init);

export type JiraActor = 'app' | 'user';

/** Sends a Jira request as the app or as the invoking user. */
export function sendToJira(
  actor: JiraActor,
  path: Route,
  init: OutgoingRequest,
  signal: AbortSignal,
): Promise<ResponseLike> {
  const requester = actor === 'app' ? asApp() : asUser();
  return requester.requestJira(path, { ...init, signal });
}
