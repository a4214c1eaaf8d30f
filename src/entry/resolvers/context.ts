// Reads the Jira project and issue a resolver acts on from the invocation context that Forge builds
// (context.extension), never from the payload the page sends.
import { z } from 'zod';

const idSchema = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const entitySchema = z.object({ id: idSchema, key: z.string().optional() });
const extensionSchema = z.object({
  type: z.string().optional(),
  project: entitySchema.optional(),
  issue: entitySchema.optional(),
});

/** The fields of a resolver invocation context that the app reads. */
export interface InvocationContext {
  accountId: string | null;
  moduleKey: string | null;
  projectId: string | null;
  issueId: string | null;
}

/** The context is missing something the module always provides: a wiring problem, not a user error. */
export class MissingContextError extends Error {
  override readonly name = 'MissingContextError';
}

export function readInvocationContext(context: unknown): InvocationContext {
  const record = typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {};
  const extension = extensionSchema.safeParse(record.extension ?? {});
  const parsed = extension.success ? extension.data : {};
  return {
    accountId: typeof record.accountId === 'string' ? record.accountId : null,
    moduleKey: typeof record.moduleKey === 'string' ? record.moduleKey : null,
    projectId: parsed.project?.id ?? null,
    issueId: parsed.issue?.id ?? null,
  };
}

export function requireProjectId(context: InvocationContext): string {
  if (context.projectId === null) {
    throw new MissingContextError(
      'This page was opened without a Jira project in its context; open it from a Jira project.',
    );
  }
  return context.projectId;
}

export function requireIssueId(context: InvocationContext): string {
  if (context.issueId === null) {
    throw new MissingContextError(
      'This panel was opened without a Jira issue in its context; open it on an issue.',
    );
  }
  return context.issueId;
}
