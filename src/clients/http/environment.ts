// Time, randomness and the invocation's deadline, injectable so retry logic can be tested
// without real waiting.
import { getAppContext } from '@forge/api';

export interface HttpEnvironment {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Waits the given milliseconds (between retries). */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1) for backoff jitter. */
  random(): number;
  /** Milliseconds this Forge invocation has left, or null when unknown. */
  remainingTimeMs(): number | null;
}

/**
 * The invocation's remaining time as Forge reports it. Outside Forge (scripts, some tests)
 * there is no runtime, and tunnels may not report the value: both mean "unknown".
 */
export function forgeRemainingTimeMs(): number | null {
  try {
    const remaining = getAppContext().invocationRemainingTimeInMillis();
    return Number.isFinite(remaining) ? remaining : null;
  } catch {
    return null;
  }
}

export const defaultEnvironment: HttpEnvironment = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
  remainingTimeMs: forgeRemainingTimeMs,
};
