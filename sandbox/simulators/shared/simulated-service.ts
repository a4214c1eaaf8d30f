// What every simulator does around its own routes: a request log, fault injection, and turning
// the error a route throws into the service's JSON error answer.

import { FaultInjector, type FaultHandle, type FaultSpec } from './faults';
import { RequestLog } from './request-log';
import { jsonResponse, runPipeline, type SimRequest } from './sim-request';

/** Thrown by a route: answered as `body` (JSON) with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export abstract class SimulatedService {
  readonly requestLog = new RequestLog();
  private readonly faults = new FaultInjector();

  protected constructor(
    protected readonly now: () => number,
    /** The service's standard error body for a message (used by injected `status` faults). */
    private readonly errorBody: (message: string) => unknown,
  ) {}

  injectFault(spec: FaultSpec): FaultHandle {
    return this.faults.inject(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Answers one request: applies a pending fault, routes it, records it in the request log. */
  protected serve(req: SimRequest): Promise<Response> {
    return runPipeline(
      {
        log: this.requestLog,
        faults: this.faults,
        now: this.now,
        errorBody: (_status, message) => this.errorBody(message),
      },
      req,
      async (r) => {
        try {
          return this.route(r);
        } catch (error) {
          if (error instanceof HttpError) return jsonResponse(error.body, error.status);
          throw error;
        }
      },
    );
  }

  protected abstract route(req: SimRequest): Response;
}
