export { batchRows, columnReader, type SourceRow } from './arrow-rows.js';
export {
  type Filter,
  type FilterValue,
  f,
  filterColumns,
  isAlwaysFalse,
  quoteIdentifier,
  renderFilter,
  sqlLiteral,
} from './filter.js';
export {
  createLookup,
  type Lookup,
  type LookupKey,
  type LookupOptions,
  LookupOptionsSchema,
  type LookupRow,
  type LookupStats,
} from './lookup.js';
export { type CacheStats, LruCache } from './lru-cache.js';
export { fetchQueryPlan, type QueryPlan, type QueryPlanRequest } from './query-plan.js';
export { type ScanSplit, scanSplits } from './scan-splits.js';
export { type ScanColumn, ScanError } from './scanner-client.js';
export {
  createSource,
  type ScanOptions,
  type ScanPlan,
  type Source,
  type SourceBatch,
  type SourceStats,
} from './source.js';
export {
  type ResolvedSourceOptions,
  type SourceOptions,
  SourceOptionsSchema,
} from './source-options.js';
