import type { SyncTrigger } from '../../domain/model';

/** Why a snapshot changed, passed from where data arrives (sync, webhook) to what reacts to it. */
export interface ChangeContext {
  trigger: SyncTrigger;
  /** Who made the change in Sentry, when known (the webhook's actor): lets the app recognise its own changes. */
  actor?: { type: 'user' | 'application' | 'sentry_app'; id: string; name?: string };
}
