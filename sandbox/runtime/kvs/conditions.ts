import { z } from 'zod';
import { badRequest } from './kvs-errors';

/** The conditions @forge/kvs sends (FilterConditions / WhereConditions in out/conditions.js). */
export const conditionNames = [
  'BEGINS_WITH',
  'BETWEEN',
  'CONTAINS',
  'NOT_CONTAINS',
  'EQUAL_TO',
  'NOT_EQUAL_TO',
  'EXISTS',
  'NOT_EXISTS',
  'GREATER_THAN',
  'GREATER_THAN_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_EQUAL_TO',
] as const;
export type ConditionName = (typeof conditionNames)[number];

export const conditionClauseSchema = z.object({
  condition: z.string(),
  values: z.array(z.unknown()),
});
export const filterItemSchema = conditionClauseSchema.extend({ property: z.string() });
export type FilterItem = z.infer<typeof filterItemSchema>;
export const filtersSchema = z.object({
  and: z.array(filterItemSchema).optional(),
  or: z.array(filterItemSchema).optional(),
});
export type Filters = z.infer<typeof filtersSchema>;

const valueCount: Record<ConditionName, number> = {
  BEGINS_WITH: 1,
  BETWEEN: 2,
  CONTAINS: 1,
  NOT_CONTAINS: 1,
  EQUAL_TO: 1,
  NOT_EQUAL_TO: 1,
  EXISTS: 1,
  NOT_EXISTS: 1,
  GREATER_THAN: 1,
  GREATER_THAN_EQUAL_TO: 1,
  LESS_THAN: 1,
  LESS_THAN_EQUAL_TO: 1,
};

function isConditionName(name: string): name is ConditionName {
  return (conditionNames as readonly string[]).includes(name);
}

export function checkClause(
  clause: { condition: string; values: unknown[] },
  allowed: readonly string[],
): ConditionName {
  const { condition, values } = clause;
  if (!isConditionName(condition) || !allowed.includes(condition)) {
    throw badRequest('INVALID_FILTER_CONDITION', `The condition "${condition}" is not supported here.`);
  }
  if (values.length !== valueCount[condition]) {
    throw badRequest(
      condition === 'BETWEEN' ? 'INSUFFICIENT_FILTER_VALUES' : 'INVALID_FILTER_VALUES',
      `The condition ${condition} takes ${valueCount[condition]} value(s), got ${values.length}.`,
    );
  }
  return condition;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/** Evaluates one clause against an attribute value (undefined when the attribute is absent). */
export function matchesClause(actual: unknown, condition: ConditionName, values: unknown[]): boolean {
  const [first, second] = values;
  switch (condition) {
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    case 'EQUAL_TO':
      return actual === first;
    case 'NOT_EQUAL_TO':
      return actual !== first;
    case 'BEGINS_WITH':
      return typeof actual === 'string' && actual.startsWith(String(first));
    case 'CONTAINS':
      return (
        (typeof actual === 'string' && actual.includes(String(first))) ||
        (Array.isArray(actual) && actual.includes(first))
      );
    case 'NOT_CONTAINS':
      return !(
        (typeof actual === 'string' && actual.includes(String(first))) ||
        (Array.isArray(actual) && actual.includes(first))
      );
    case 'BETWEEN': {
      const low = compare(actual, first);
      const high = compare(actual, second);
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    case 'GREATER_THAN':
      return (compare(actual, first) ?? -1) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return (compare(actual, first) ?? -1) >= 0;
    case 'LESS_THAN':
      return (compare(actual, first) ?? 1) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return (compare(actual, first) ?? 1) <= 0;
  }
}

function attribute(value: unknown, property: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[property];
}

/** Evaluates `{ and: [...] }` or `{ or: [...] }` against an entity value (undefined when the entity is absent). */
export function matchesFilters(value: unknown, filters: Filters): boolean {
  const { and, or } = filters;
  if (and !== undefined && or !== undefined) {
    throw badRequest(
      'INVALID_FILTER_OPERATORS_COMBINATION',
      'Filter operators "and" and "or" cannot be used together.',
    );
  }
  const items = and ?? or;
  if (!items || items.length === 0) {
    throw badRequest('EMPTY_FILTER_OPERATOR', 'Filter operators "and" and "or" cannot be empty.');
  }
  const results = items.map((item) => {
    const condition = checkClause(item, conditionNames);
    return matchesClause(attribute(value, item.property), condition, item.values);
  });
  return and ? results.every(Boolean) : results.some(Boolean);
}

export { compare as compareScalars };
