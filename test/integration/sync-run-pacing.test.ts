// A scheduled run whose shares outlast the hour (many first syncs) is left to finish: the next run
// pushes no project jobs on top of it, so the minutes it still paces keep their event budget.
import { saveSyncRunPacing } from '../../src/storage';
import {
  addSentryConnection,
  DEMO_PROJECTS,
  mapSentryProjects,
  pendingJobs,
  runSchedule,
  startSyncWorld,
  type SyncWorld,
} from './sync-kit';

describe('a scheduled run while an earlier one still pushes its shares', () => {
  let world: SyncWorld;

  beforeEach(async () => {
    world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([DEMO_PROJECTS.backend, DEMO_PROJECTS.web]);
  });

  it('pushes no project job until the earlier run has pushed its last share', async () => {
    await saveSyncRunPacing({
      runId: 'schedule-earlier',
      sharesUntil: new Date(Date.now() + 20 * 60_000).toISOString(),
    });
    await runSchedule(world.runtime);
    expect(pendingJobs(world.runtime)).toEqual([]);

    await saveSyncRunPacing({
      runId: 'schedule-earlier',
      sharesUntil: new Date(Date.now() - 1_000).toISOString(),
    });
    await runSchedule(world.runtime);
    expect(pendingJobs(world.runtime)).toHaveLength(2);
  });
});
