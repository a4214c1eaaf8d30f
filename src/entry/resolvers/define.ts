// Wraps resolver definitions: validates the payload with zod, reads the context, and turns every
// outcome into a ResolverResult the pages can show, so one failing call never shows a blank page.
import type Resolver from '@forge/resolver';
import type { Request } from '@forge/resolver';
import { z } from 'zod';
import { payloadShapeProblem } from '../../domain/payload-shape';
import { InvalidHealthWeightsError } from '../../domain/health/weights';
import type { ResolverError, ResolverResult } from '../../domain/views';
import {
  CreationInProgressError,
  InvalidCreateRequestError,
} from '../../services/links/create-jira-issue-from-sentry';
import {
  InvalidSentryReferenceError,
  SentryIssueNotFoundError,
} from '../../services/links/link-find-sentry-issue';
import { ForbiddenError } from '../../services/access/permissions';
import { InvalidSentryImpactPageError } from '../../services/project-page/get-project-sentry-impact';
import { StorageConflictError, StorageNotFoundError, StorageValidationError } from '../../storage';
import { MissingContextError, readInvocationContext, type InvocationContext } from './context';

export type ResolverHandler<Input, Output> = (input: Input, context: InvocationContext) => Promise<Output>;

/** Accepts an empty payload, and refuses any field a read-only resolver does not take. */
export const noPayload = z.strictObject({});

function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
      const unknown = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${where}${unknown}: ${issue.message}`;
    })
    .join('; ');
}

/** The answer for an error thrown by a handler: expected failures keep their message. */
export function toResolverError(resolverKey: string, error: unknown): ResolverError {
  if (error instanceof ForbiddenError) return { code: 'forbidden', message: error.message };
  if (error instanceof SentryIssueNotFoundError) return { code: 'not-found', message: error.message };
  if (
    error instanceof InvalidSentryReferenceError ||
    error instanceof InvalidCreateRequestError ||
    error instanceof InvalidSentryImpactPageError
  ) {
    return { code: 'invalid-input', message: error.message };
  }
  if (error instanceof CreationInProgressError) return { code: 'conflict', message: error.message };
  if (error instanceof StorageValidationError) {
    const code =
      error instanceof StorageNotFoundError
        ? 'not-found'
        : error instanceof StorageConflictError
          ? 'conflict'
          : 'invalid-input';
    return {
      code,
      message: error.message,
      ...(error.field !== undefined && { field: error.field }),
      ...(error.fields !== undefined && { fields: { ...error.fields } }),
    };
  }
  if (error instanceof MissingContextError) return { code: 'invalid-input', message: error.message };
  if (error instanceof InvalidHealthWeightsError) {
    return { code: 'invalid-input', message: error.message, fields: { ...error.fields } };
  }
  const detail = error instanceof Error ? error.message : String(error);
  console.error(`Resolver ${resolverKey} failed`, error);
  return { code: 'internal', message: `Product health could not complete "${resolverKey}": ${detail}` };
}

/** Defines `key` on the resolver: payload checked against `schema`, result wrapped in a ResolverResult. */
export function defineResolver<Schema extends z.ZodType, Output>(
  resolver: Resolver,
  key: string,
  schema: Schema,
  handler: ResolverHandler<z.output<Schema>, Output>,
): void {
  resolver.define(key, async (request: Request<unknown>): Promise<ResolverResult<Output>> => {
    // Limits no page reaches, checked before the schema walks the payload (fixed words, nothing quoted).
    const shapeProblem = payloadShapeProblem(request.payload);
    if (shapeProblem !== null) {
      return {
        ok: false,
        error: { code: 'invalid-input', message: `Invalid request to ${key}: ${shapeProblem}` },
      };
    }
    const parsed = schema.safeParse(request.payload ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid-input',
          message: `Invalid request to ${key}: ${describeZodError(parsed.error)}`,
        },
      };
    }
    try {
      const data = await handler(parsed.data, readInvocationContext(request.context));
      return { ok: true, data };
    } catch (error) {
      return { ok: false, error: toResolverError(key, error) };
    }
  });
}
