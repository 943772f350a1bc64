/**
 * How the emulator splits a table into tablets for the read path.
 *
 * A table has one tablet per bucket: `BUCKETS n`, or {@link DEFAULT_BUCKETS} when BUCKETS was not
 * given (at most {@link MAX_TABLETS}). A row belongs to bucket
 * `hash(<distribution columns>) % buckets` (DuckDB's `hash`), where the distribution columns are
 * those of `DISTRIBUTED BY HASH(...)`, or every column for `DISTRIBUTED BY RANDOM`. A row's tablet
 * so depends on its own values only, like StarRocks' hash distribution, and stays the same while
 * other rows come and go. Tablet ids are `table id × 10000 + bucket`.
 */
import { findColumn, type TableSchema } from '../catalog/table-schema.js';
import { q } from '../storage/store.js';
import type { TxnManager } from '../txn/txn-manager.js';

export const DEFAULT_BUCKETS = 4;
export const MAX_TABLETS = 1024;
const TABLET_ID_FACTOR = 10_000;

export function bucketCount(t: TableSchema): number {
  return Math.min(t.distribution.buckets ?? DEFAULT_BUCKETS, MAX_TABLETS);
}

export function tabletIds(t: TableSchema): number[] {
  return Array.from({ length: bucketCount(t) }, (_, b) => t.id * TABLET_ID_FACTOR + b);
}

/** The bucket of a tablet id of this table, or null. */
export function bucketOf(t: TableSchema, tabletId: number): number | null {
  const b = tabletId - t.id * TABLET_ID_FACTOR;
  return Number.isInteger(b) && b >= 0 && b < bucketCount(t) ? b : null;
}

/** DuckDB SQL for a stored row's bucket. */
export function bucketSql(t: TableSchema): string {
  let cols = t.distribution.type === 'HASH' ? t.distribution.columns.map((n) => findColumn(t, n)) : [];
  if (cols.length === 0 || cols.some((c) => c === undefined)) cols = [...t.columns];
  return `(hash(${cols.map((c) => q(c!.storageName)).join(', ')}) % ${bucketCount(t)})`;
}

/** A stable positive 31-bit `schemaHash` for the table's current schema. */
export function schemaHash(t: TableSchema): number {
  let h = 0x811c9dc5;
  for (const ch of `${t.id}:${t.schemaVersion}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x7fffffff;
}

/**
 * The tablets' visible `version`: 1 (an empty tablet's version after creation) plus the loads into
 * the table that became VISIBLE and whose labels the emulator still remembers.
 */
export function tableVersion(txns: TxnManager, t: TableSchema): number {
  let n = 1;
  for (const r of txns.all()) if (r.tableId === t.id && r.state === 'VISIBLE') n++;
  return n;
}
