// Shape checks every resolver payload passes before its own schema: limits no real page input reaches,
// so a hostile payload is refused in fixed words before anything reads it.

/** Deeper than any page sends (a rule's conditions are about 5 levels); KVS itself stops at 31. */
export const MAX_PAYLOAD_DEPTH = 16;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why the payload cannot be taken, or null. Strings must be well-formed Unicode: a lone surrogate has
 * no UTF-8 form, so two different ids would reach storage as the same replacement character.
 */
export function payloadShapeProblem(payload: unknown): string | null {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: payload, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next) break;
    const { value, depth } = next;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) {
        return 'The request holds text that is not valid Unicode (a lone surrogate); send it as UTF-8 text.';
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_PAYLOAD_DEPTH) {
      return `The request is nested more than ${MAX_PAYLOAD_DEPTH} levels deep; no page sends that.`;
    }
    for (const [key, child] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) {
        return 'The request holds text that is not valid Unicode (a lone surrogate); send it as UTF-8 text.';
      }
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  return null;
}
