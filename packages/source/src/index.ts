export {
  type Filter,
  type FilterValue,
  f,
  filterColumns,
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
