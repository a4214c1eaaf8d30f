// The build points `@forge/bridge` here (see static/vite.config.mjs): the package's index loads every
// bridge API (modals, realtime, feature flags, i18n helpers...), about 30 KiB gzip the pages never use.
// These are the package's own modules for the APIs the pages call; add a re-export here when a page
// starts using another bridge API (the build fails with "X is not exported" until then).
export { invoke } from '@forge/bridge-out/invoke/invoke.js';
export { router } from '@forge/bridge-out/router/router.js';
import { getContext } from '@forge/bridge-out/view/getContext.js';
import { createHistory } from '@forge/bridge-out/view/createHistory.js';
import { theme } from '@forge/bridge-out/view/theme.js';

export const view = { getContext, createHistory, theme };
