/**
 * The weights of the three health parts (default 40 / 40 / 20), for the admin page. The caller checks
 * that the person is a Jira admin; new weights apply from the next health pass (hourly).
 */
import type { HealthWeights } from '../../domain/health/weights';
import { getHealthWeights, resetHealthWeights, saveHealthWeights } from '../../storage';

export async function readHealthWeights(): Promise<HealthWeights & { isDefault: boolean }> {
  return getHealthWeights();
}

/** Validates (whole percentages adding up to 100) and stores; throws InvalidHealthWeightsError saying what to fix. */
export async function updateHealthWeights(input: unknown, accountId: string | null): Promise<HealthWeights> {
  return saveHealthWeights(input, { accountId });
}

export async function restoreDefaultHealthWeights(): Promise<HealthWeights & { isDefault: boolean }> {
  await resetHealthWeights();
  return getHealthWeights();
}
