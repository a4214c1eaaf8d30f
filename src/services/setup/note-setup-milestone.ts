// Notes a setup milestone where it happens (a verified webhook delivery, a completed project sync) for
// the Get started checklist. Never fails the work that reached it: a note that could not be written is
// written by the connection's next delivery or sync.
import type { SetupMilestone } from '../../domain/setup-checklist';
import type { SetupMilestoneRecord } from '../../domain/setup-checklist';
import { noteSetupMilestone } from '../../storage';

export async function noteSetupStep(
  milestone: SetupMilestone,
  connectionId: string,
  now: Date,
  /** The milestone's record, when the caller read it already (null: none stored). */
  known?: SetupMilestoneRecord | null,
): Promise<void> {
  try {
    await noteSetupMilestone(milestone, connectionId, now.toISOString(), known);
  } catch (error) {
    console.warn(
      `Could not note the setup milestone ${milestone} of connection ${connectionId} (the next one notes it): ` +
        (error instanceof Error ? error.message : String(error)),
    );
  }
}
