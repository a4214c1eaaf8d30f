// Zod pieces shared by the schemas of what Sentry and SonarCloud send: webhook bodies and API answers.
import { z } from 'zod';
import { normalizeTimestamp } from './timestamps';

/** An ISO-8601 date-time with a zone (kept as sent; normalizeTimestamp compares them). */
export const timestampSchema = z.string().refine((value) => normalizeTimestamp(value) !== null, {
  message: 'must be an ISO-8601 date-time with a zone',
});

/** A count sent as a string of digits ("150", Sentry's event counts) or as a number (user counts). */
export const countSchema = z
  .union([z.string().regex(/^\d+$/, 'must be a whole number'), z.number().int().nonnegative()])
  .transform(Number);

/** A string that may be absent or null: null either way. */
export const nullableStringSchema = z
  .string()
  .nullish()
  .transform((value) => value ?? null);
