// The product health model: pure functions over what the app stores (no Forge import).
export * from './format';
export * from './grade';
export * from './jira-tally';
export * from './model';
export * from './record';
export * from './rollup';
export * from './sentry-tally';
export * from './views';
export * from './weights';
