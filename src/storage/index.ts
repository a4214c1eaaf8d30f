/** Typed repositories over @forge/kvs. Every key is built in keys.ts. */
export * from './errors';
export * from './keys';
export {
  KVS_BATCH_MAX,
  KVS_QUERY_PAGE_MAX,
  KVS_TRANSACTION_MAX,
  batchGetValues,
  isKeyConflict,
  listAll,
  listAllValues,
  listValuesPage,
  queryPage,
  setIfAbsent,
  type KeyedValue,
  type Page,
  type PageRequest,
} from './kvs-helpers';
export * from './connections';
export * from './connection-data';
export * from './products';
export * from './mappings';
export * from './links';
export * from './issue-panel-view';
export * from './sentry-top-issues';
export * from './snapshots';
export * from './history';
export * from './health';
export * from './sync-state';
export * from './sync-log';
export * from './backfill-runs';
export * from './deferred-pushes';
export * from './sync-run-pacing';
export * from './status-mappings';
export * from './link-search-settings';
export * from './rules';
export * from './claims';
export * from './reaction-state';
export * from './bulk-create-jobs';
export * from './issue-properties';
export * from './jira-project-context';
export * from './setup-progress';
export * from './product-records';
