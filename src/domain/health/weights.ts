// How much each part counts in the overall score. Stored as a setting a Jira admin may change.
import { z } from 'zod';

export type HealthPartKey = 'runtime' | 'quality' | 'resolution';

export const HEALTH_PARTS: readonly HealthPartKey[] = ['runtime', 'quality', 'resolution'];

export const HEALTH_PART_NAMES: Record<HealthPartKey, string> = {
  runtime: 'Runtime stability',
  quality: 'Code quality',
  resolution: 'Issue resolution',
};

/** Whole percentages that add up to 100. */
export type HealthWeights = Record<HealthPartKey, number>;

export const DEFAULT_HEALTH_WEIGHTS: HealthWeights = { runtime: 40, quality: 40, resolution: 20 };

const weight = (part: HealthPartKey) =>
  z
    .number({ error: `the ${HEALTH_PART_NAMES[part].toLowerCase()} weight must be a number from 0 to 100` })
    .int(`the ${HEALTH_PART_NAMES[part].toLowerCase()} weight must be a whole number`)
    .min(0, `the ${HEALTH_PART_NAMES[part].toLowerCase()} weight cannot be negative`)
    .max(100, `the ${HEALTH_PART_NAMES[part].toLowerCase()} weight cannot exceed 100`);

export const healthWeightsSchema = z
  .object({ runtime: weight('runtime'), quality: weight('quality'), resolution: weight('resolution') })
  .strict()
  .superRefine((w, ctx) => {
    const total = w.runtime + w.quality + w.resolution;
    if (total !== 100) {
      ctx.addIssue({
        code: 'custom',
        message: `the weights must add up to 100 %, they add up to ${total} %`,
      });
    }
  });

/** Thrown for weights that cannot be stored; the message says what to change. */
export class InvalidHealthWeightsError extends Error {
  override readonly name = 'InvalidHealthWeightsError';
  /** Per part ('runtime', 'quality', 'resolution') or 'total' (the sum), why it was refused. */
  readonly fields: Readonly<Record<string, string>>;

  constructor(message: string, fields: Record<string, string> = {}) {
    super(message);
    this.fields = fields;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The weights if valid; otherwise an error listing every problem. */
export function parseHealthWeights(input: unknown): HealthWeights {
  const parsed = healthWeightsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = [...new Set(parsed.error.issues.map((issue) => issue.message))];
  // A part's own problem goes beside it; the sum (or an unknown field) beside the total.
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const part = issue.path[0];
    const field =
      typeof part === 'string' && (HEALTH_PARTS as readonly string[]).includes(part) ? part : 'total';
    fields[field] ??= capitalize(issue.message);
  }
  throw new InvalidHealthWeightsError(
    `Health weights not saved: ${problems.join('; ')}. ` +
      `Give runtime, quality and resolution as whole percentages adding up to 100 (default 40 / 40 / 20).`,
    fields,
  );
}
