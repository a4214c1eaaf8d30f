import { z } from 'zod';
import { describeZodError, fieldPath } from './validation';

const schema = z.object({
  id: z.union([z.string().min(1), z.number()]),
  count: z.union([z.string().regex(/^\d+$/, 'must be a whole number'), z.number()]),
  level: z.enum(['error', 'warning']),
  project: z.object({ slug: z.string() }),
  items: z.array(z.object({ metric: z.string() })),
  active: z.boolean(),
});

function errorFor(input: unknown, maxProblems?: number): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected a validation failure');
  return describeZodError(result.error, maxProblems);
}

const valid = {
  id: '1',
  count: '3',
  level: 'error',
  project: { slug: 'p' },
  items: [{ metric: 'm' }],
  active: true,
};

describe('describeZodError', () => {
  it('says a field is missing, also for union-typed fields', () => {
    const { id: _id, ...withoutId } = valid;
    expect(errorFor(withoutId)).toBe('id is missing');
    expect(errorFor({ ...valid, project: {} })).toBe('project.slug is missing');
  });

  it('names the expected type and what came instead', () => {
    expect(errorFor({ ...valid, id: true })).toBe('id must be a string or a number (received boolean)');
    expect(errorFor({ ...valid, active: 'yes' })).toBe('active must be a boolean (received string)');
    expect(errorFor({ ...valid, project: null })).toBe('project must be an object (received null)');
  });

  it('lists allowed values', () => {
    expect(errorFor({ ...valid, level: 'fatal' })).toBe('level must be one of "error", "warning"');
  });

  it('passes on a refinement message from inside a union', () => {
    expect(errorFor({ ...valid, count: 'many' })).toBe('count: must be a whole number');
  });

  it('points into arrays by index', () => {
    expect(errorFor({ ...valid, items: [{ metric: 'a' }, {}] })).toBe('items[1].metric is missing');
  });

  it('caps the number of problems reported', () => {
    expect(errorFor({}, 2)).toBe('id is missing; count is missing; and 4 more problems');
  });
});

describe('fieldPath', () => {
  it('writes paths the way a reader would look them up', () => {
    expect(fieldPath(['data', 'issue', 'project', 'id'])).toBe('data.issue.project.id');
    expect(fieldPath(['qualityGate', 'conditions', 2, 'metric'])).toBe('qualityGate.conditions[2].metric');
    expect(fieldPath([])).toBe('the body');
  });
});
