// SonarCloud / SonarQube webhook payloads, sent after each analysis ("Compute Engine task") finishes.
// SonarQube Community Edition and old servers omit `branch`; pull-request analyses carry
// `branch.type: "PULL_REQUEST"`. A failed task (`status: "FAILED"`) has no quality gate.
import { z } from 'zod';
import { timestampSchema } from '../wire-schemas';
import { describeZodError, invalidJsonBodyError } from './validation';

export const sonarWebhookConditionSchema = z.object({
  metric: z.string().min(1),
  /** GREATER_THAN, LESS_THAN (EQUALS / NOT_EQUALS on old servers). */
  operator: z.string().min(1),
  /** Absent when the metric has no value yet (status NO_VALUE). */
  value: z.string().optional(),
  /** OK, WARN, ERROR or NO_VALUE. */
  status: z.string().min(1),
  errorThreshold: z.string().optional(),
  onLeakPeriod: z.boolean().optional(),
});
export type SonarWebhookCondition = z.output<typeof sonarWebhookConditionSchema>;

export const sonarWebhookQualityGateSchema = z.object({
  name: z.string(),
  /** OK or ERROR (WARN on old servers; NONE when no gate applies). */
  status: z.string().min(1),
  conditions: z.array(sonarWebhookConditionSchema).default([]),
});
export type SonarWebhookQualityGate = z.output<typeof sonarWebhookQualityGateSchema>;

export const sonarWebhookSchema = z.object({
  serverUrl: z.string().optional(),
  taskId: z.string().min(1),
  /** The analysis task's outcome: SUCCESS, FAILED (CANCELED on some servers). */
  status: z.string().min(1),
  analysedAt: timestampSchema,
  changedAt: timestampSchema.optional(),
  revision: z.string().optional(),
  project: z.object({ key: z.string().min(1), name: z.string(), url: z.string().optional() }),
  branch: z
    .object({
      name: z.string().min(1),
      /** BRANCH, PULL_REQUEST (SHORT / LONG on old servers). */
      type: z.string().min(1),
      isMain: z.boolean(),
      url: z.string().optional(),
    })
    .optional(),
  qualityGate: sonarWebhookQualityGateSchema.optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
});
export type SonarWebhook = z.output<typeof sonarWebhookSchema>;

export type SonarWebhookParseResult = { ok: true; webhook: SonarWebhook } | { ok: false; error: string };

/** Validates a parsed JSON body; the error names the wrong field ("project.key is missing"). */
export function parseSonarWebhook(body: unknown): SonarWebhookParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'SonarCloud webhook body must be a JSON object.' };
  }
  const parsed = sonarWebhookSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, error: `SonarCloud webhook is malformed: ${describeZodError(parsed.error)}` };
  }
  return { ok: true, webhook: parsed.data };
}

/** `parseSonarWebhook` on the raw body, with a clear error when the body is not JSON. */
export function parseSonarWebhookBody(rawBody: string): SonarWebhookParseResult {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, error: invalidJsonBodyError('SonarCloud', rawBody) };
  }
  return parseSonarWebhook(body);
}

export interface SonarWebhookTarget {
  projectKey: string;
  /** The analysed branch, or null when the server did not say (single-branch servers: the main branch). */
  branch: string | null;
  isMainBranch: boolean;
  /** Pull-request analyses do not describe a followed branch: record nothing for them. */
  isPullRequest: boolean;
}

/** Which project and branch an analysis describes. */
export function sonarWebhookTarget(webhook: SonarWebhook): SonarWebhookTarget {
  const branch = webhook.branch;
  return {
    projectKey: webhook.project.key,
    branch: branch?.name ?? null,
    isMainBranch: branch ? branch.isMain : true,
    isPullRequest: branch?.type === 'PULL_REQUEST',
  };
}
