// Turns zod failures into sentences that name the field to fix, e.g. "data.issue.id is missing".
import type { z } from 'zod';

/** `data.issue.project.id`, `qualityGate.conditions[2].metric`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? 'the body' : out;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function received(message: string): string {
  return message.replace(/^.*received /, '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = fieldPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (received(issue.message) === 'undefined') return `${where} is missing`;
      return `${where} must be ${article(issue.expected)} (received ${received(issue.message)})`;
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union': {
      // Alternatives such as "a string or a number": report them together.
      const firstOfEach = issue.errors.map((branch) => branch[0]);
      const allTypeErrors = firstOfEach.every(
        (branchIssue) => branchIssue?.code === 'invalid_type' && branchIssue.path.length === 0,
      );
      if (allTypeErrors && firstOfEach.length > 0) {
        const first = firstOfEach[0];
        if (first && received(first.message) === 'undefined') return `${where} is missing`;
        const expected = firstOfEach.map((branchIssue) =>
          branchIssue?.code === 'invalid_type' ? article(branchIssue.expected) : '',
        );
        return `${where} must be ${expected.join(' or ')}${first ? ` (received ${received(first.message)})` : ''}`;
      }
      const detail = firstOfEach.find((branchIssue) => branchIssue && branchIssue.code !== 'invalid_type');
      return detail
        ? describeIssue({ ...detail, path: [...issue.path, ...detail.path] })
        : `${where}: ${issue.message}`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

/** All problems, most useful first, joined into one message (capped so logs stay short). */
export function describeZodError(error: z.ZodError, maxProblems = 5): string {
  const problems = error.issues.slice(0, maxProblems).map(describeIssue);
  const more = error.issues.length - problems.length;
  return problems.join('; ') + (more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '');
}

/**
 * The error for a webhook body that is not JSON. JSON.parse's own message quotes part of the body
 * (`Unexpected token 's', "sk_live_51"... is not valid JSON`), and a body may carry secrets or personal
 * data that must not reach logs: this names only the sender and the body's size.
 */
export function invalidJsonBodyError(sender: string, rawBody: string): string {
  if (rawBody.trim() === '') return `${sender} webhook body is not valid JSON: it is empty.`;
  const bytes = new TextEncoder().encode(rawBody).length;
  return (
    `${sender} webhook body is not valid JSON (${bytes} bytes; not quoted here, as it may hold secrets). ` +
    `Check that ${sender} sends the payload as JSON and nothing between rewrites it.`
  );
}
