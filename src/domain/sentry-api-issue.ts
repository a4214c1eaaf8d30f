// The issue ("group") shape returned by Sentry's REST API: `GET /organizations/{org}/issues/`
// (listOrganizationIssues), `GET /organizations/{org}/issues/{id}/` (getOrganizationIssue) and the
// deprecated project issues list. Only the fields the app reads are validated; the rest are dropped.
import { z } from 'zod';
import { SENTRY_LEVELS, SENTRY_WIRE_STATUSES } from './webhooks/sentry';
import { countSchema, nullableStringSchema, timestampSchema } from './wire-schemas';

/** `[[unixSeconds, count], ...]`: hourly buckets under "24h", daily ones under "14d" and "30d". */
const statsSeriesSchema = z.array(z.array(z.number()).min(2));

const releaseSchema = z
  .object({ version: z.string(), shortVersion: z.string().optional() })
  .nullish()
  .transform((release) => release?.version ?? null);

const seenCountsSchema = z.object({
  count: countSchema,
  userCount: countSchema,
  firstSeen: timestampSchema.nullish(),
  lastSeen: timestampSchema.nullish(),
});

export const sentryApiIssueSchema = z.object({
  id: z.string().min(1),
  shortId: z.string().min(1),
  title: z.string(),
  culprit: nullableStringSchema,
  permalink: nullableStringSchema,
  level: z.enum(SENTRY_LEVELS),
  status: z.enum(SENTRY_WIRE_STATUSES),
  substatus: nullableStringSchema,
  project: z.object({ id: z.string().min(1), slug: z.string().min(1), name: z.string().optional() }),
  /** Events in the request's period (list endpoint: statsPeriod, 14d by default; details endpoint: all time). */
  count: countSchema,
  userCount: countSchema,
  firstSeen: timestampSchema.nullish().transform((value) => value ?? null),
  lastSeen: timestampSchema.nullish().transform((value) => value ?? null),
  stats: z.record(z.string(), statsSeriesSchema).optional(),
  /** All-time counts (list endpoint only). */
  lifetime: seenCountsSchema.optional(),
  firstRelease: releaseSchema.optional(),
  lastRelease: releaseSchema.optional(),
});
export type SentryApiIssue = z.output<typeof sentryApiIssueSchema>;
