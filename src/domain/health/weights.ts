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
}

/** The weights if valid; otherwise an error listing every problem. */
export function parseHealthWeights(input: unknown): HealthWeights {
  const parsed = healthWeightsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = [...new Set(parsed.error.issues.map((issue) => issue.message))];
  throw new InvalidHealthWeightsError(
    `Health weights not saved: ${problems.join('; ')}. ` +
      `Give runtime, quality and resolution as whole percentages adding up to 100 (default 40 / 40 / 20).`,
  );
}
