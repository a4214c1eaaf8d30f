/** Shapes shared between the local runtime and the simulators that plug into it. */
export interface JiraRequest {
  provider: 'app' | 'user' | 'none';
  /** The invoking user for provider 'user'. */
  accountId: string | null;
  method: string;
  /** Path plus query, e.g. '/rest/api/3/issue/10001/properties/x'. */
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | undefined;
}

export type JiraHandler = (req: JiraRequest) => Promise<Response>;

/** Only called for URLs the manifest's egress permissions allow. */
export type ExternalHandler = (req: Request) => Promise<Response>;

export interface WebTriggerRequest {
  method: string;
  path?: string;
  headers: Record<string, string[]>;
  body: string;
  queryParameters?: Record<string, string[]>;
}

export interface WebTriggerResponse {
  statusCode: number;
  headers?: Record<string, string[]>;
  body?: string;
}
