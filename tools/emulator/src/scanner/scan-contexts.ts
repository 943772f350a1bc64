/**
 * The BE's scan contexts (spec §6.2, `ExternalScanOrchestrator` and `ExternalScanContextMgr`):
 * `open_scanner` starts a DuckDB streaming query on a connection of its own, which pins a consistent
 * snapshot of the table for the whole scan; `get_next` turns up to `batch_size` rows into one Arrow
 * IPC stream; `close_scanner` and the keep-alive GC end the query and free the connection.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { storageTableName } from '../catalog/table-schema.js';
import { Mutex } from '../storage/mutex.js';
import { q, type Store } from '../storage/store.js';
import { BatchEncoder } from './arrow-batch.js';
import { scanSelectSql, thriftTypeOf } from './arrow-types.js';
import { decodePlan } from './query-plan.js';
import { analyzeScanSql, type ScanQuery } from './scan-sql.js';
import {
  STATUS_OK,
  type TScanBatchResult,
  type TScanCloseParams,
  type TScanCloseResult,
  type TScanColumnDesc,
  type TScanNextBatchParams,
  type TScanOpenParams,
  type TScanOpenResult,
  type TStatus,
  TStatusCode,
} from './scan-thrift.js';
import { bucketCount, bucketOf, bucketSql } from './tablets.js';

/** `MAX_CHUNK_SIZE` in be/src/common/constexpr.h. */
export const MAX_CHUNK_SIZE = 65_536;
/** The BE's default `keep_alive_min`. */
export const DEFAULT_KEEP_ALIVE_MIN = 5;

export interface ScanContextOptions {
  /** How long one `keep_alive_min` minute lasts (60000; tests shorten it). */
  readonly keepAliveMinuteMs: number;
}

const error = (code: number, message: string): TStatus => ({ code, message });

/** One open scan. */
interface ScanContext {
  readonly id: string;
  readonly keepAliveMin: number;
  readonly batchSize: number;
  readonly mutex: Mutex;
  readonly encoder: BatchEncoder;
  offset: bigint;
  /** Time of the last access; -1 while a call is using the context (the GC skips it). */
  lastAccess: number;
  conn: DuckDBConnection | null;
  result: DuckDBResult | null;
  chunk: DuckDBDataChunk | null;
  chunkPos: number;
  eos: boolean;
}

/** The registry of open scans, shared by every scanner connection. */
export class ScanContexts {
  readonly #store: Store;
  readonly #options: ScanContextOptions;
  readonly #contexts = new Map<string, ScanContext>();

  /** Open scan contexts (opened, not yet closed or expired). */
  get size(): number {
    return this.#contexts.size;
  }
  #closed = false;

  constructor(store: Store, options: ScanContextOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** `open_scanner`: validations in the BE's order, then the snapshot query. */
  async open(p: TScanOpenParams): Promise<TScanOpenResult> {
    const contextId = randomUUID();
    const fail = (
      code: number,
      message: string,
      selectedColumns: TScanColumnDesc[] = [],
    ): TScanOpenResult => ({
      status: error(code, message),
      contextId,
      selectedColumns,
    });
    if (p.batchSize === undefined) return fail(TStatusCode.INVALID_ARGUMENT, 'batch_size is not set');
    if (p.batchSize <= 0 || p.batchSize > MAX_CHUNK_SIZE) {
      return fail(
        TStatusCode.INVALID_ARGUMENT,
        `batch_size is out of range, it must be in the range (0, ${MAX_CHUNK_SIZE}], current value is [${p.batchSize}]`,
      );
    }
    const decoded = decodePlan(p.opaquedQueryPlan ?? '');
    if ('error' in decoded) return fail(TStatusCode.INVALID_ARGUMENT, decoded.error);
    const plan = decoded.plan;
    const current = this.#store.getTable(plan.db, plan.table);
    if (!current || current.id !== plan.tableId) {
      return fail(
        TStatusCode.INTERNAL_ERROR,
        `table ${plan.db}.${plan.table} of the query plan no longer exists`,
      );
    }
    let scan: ScanQuery;
    try {
      scan = analyzeScanSql(this.#store, plan.sql);
    } catch (err) {
      return fail(
        TStatusCode.INTERNAL_ERROR,
        `the query plan cannot run on table ${plan.db}.${plan.table} any more: ${(err as Error).message}`,
      );
    }
    if (scan.table.id !== plan.tableId) {
      return fail(TStatusCode.INTERNAL_ERROR, `the query plan does not scan table ${plan.db}.${plan.table}`);
    }
    const selected = scan.outputs.map((o) => ({ name: o.name, type: thriftTypeOf(o.column.type) }));
    const buckets = new Set<number>();
    for (const id of p.tabletIds ?? []) {
      const bucket = bucketOf(scan.table, Number(id));
      if (plan.tablets[String(id)] === undefined || bucket === null)
        return fail(TStatusCode.NOT_FOUND, `tablet_id: ${id} not found`, selected);
      buckets.add(bucket);
    }
    const conditions: string[] = [];
    if (buckets.size < bucketCount(scan.table)) {
      conditions.push(
        buckets.size === 0 ? 'false' : `${bucketSql(scan.table)} IN (${[...buckets].join(', ')})`,
      );
    }
    if (scan.where) conditions.push(`(${scan.where})`);
    const cols = scan.outputs.map((o) => scanSelectSql(o.column.type, o.column.storageName));
    const sql = `SELECT ${cols.length > 0 ? cols.join(', ') : '1'} FROM ${q(storageTableName(scan.table))}${
      conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
    }`;
    if (this.#closed) return fail(TStatusCode.CANCELLED, 'the scanner is shutting down');
    let conn: DuckDBConnection | null = null;
    let result: DuckDBResult;
    try {
      conn = await this.#store.connect();
      result = await conn.stream(sql);
    } catch (err) {
      conn?.disconnectSync();
      return fail(TStatusCode.INTERNAL_ERROR, (err as Error).message, selected);
    }
    this.#contexts.set(contextId, {
      id: contextId,
      keepAliveMin: p.keepAliveMin ?? DEFAULT_KEEP_ALIVE_MIN,
      batchSize: p.batchSize,
      mutex: new Mutex(),
      encoder: new BatchEncoder(
        scan.outputs.map((o) => ({ name: o.name, type: o.column.type, nullable: o.column.nullable })),
      ),
      offset: 0n,
      lastAccess: Date.now(),
      conn,
      result,
      chunk: null,
      chunkPos: 0,
      eos: false,
    });
    return { status: STATUS_OK, contextId, selectedColumns: selected };
  }

  /** `get_next`: the offset must equal the rows already sent; one Arrow IPC stream per call. */
  async next(p: TScanNextBatchParams): Promise<TScanBatchResult> {
    const id = p.contextId ?? '';
    const c = this.#contexts.get(id);
    if (!c) return { status: error(TStatusCode.NOT_FOUND, `context_id: ${id} not found`) };
    return c.mutex.run(async () => {
      if (!this.#contexts.has(id))
        return { status: error(TStatusCode.NOT_FOUND, `context_id: ${id} not found`) };
      const offset = p.offset ?? 0n;
      if (offset !== c.offset) {
        c.lastAccess = Date.now();
        return {
          status: error(
            TStatusCode.NOT_FOUND,
            `context_id=${id}, send_offset=${offset}, context_offset=${c.offset}`,
          ),
        };
      }
      c.lastAccess = -1;
      try {
        const rows = await this.#fill(c);
        if (rows === 0) return { status: STATUS_OK, eos: true };
        const bytes = c.encoder.flush();
        c.offset += BigInt(rows);
        return { status: STATUS_OK, eos: false, rows: bytes };
      } catch (err) {
        // the scan cannot go on: later calls see its end
        c.eos = true;
        await release(c);
        c.encoder.reset();
        return { status: error(TStatusCode.INTERNAL_ERROR, (err as Error).message) };
      } finally {
        c.lastAccess = Date.now();
      }
    });
  }

  /** Reads up to `batchSize` rows into the encoder; 0 at the end (the query is then released). */
  async #fill(c: ScanContext): Promise<number> {
    while (!c.eos && c.encoder.rows < c.batchSize) {
      if (c.chunk === null || c.chunkPos >= c.chunk.rowCount) {
        const chunk = await c.result!.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) {
          c.eos = true;
          await release(c);
          break;
        }
        c.chunk = chunk;
        c.chunkPos = 0;
      }
      const take = Math.min(c.batchSize - c.encoder.rows, c.chunk.rowCount - c.chunkPos);
      c.encoder.appendChunk(c.chunk, c.chunkPos, c.chunkPos + take);
      c.chunkPos += take;
    }
    return c.encoder.rows;
  }

  /** `close_scanner`: an unknown id is OK too (`clear_scan_context`). */
  async close(p: TScanCloseParams): Promise<TScanCloseResult> {
    const id = p.contextId ?? '';
    const c = this.#contexts.get(id);
    if (c) {
      this.#contexts.delete(id);
      await c.mutex.run(() => release(c));
    }
    return { status: STATUS_OK };
  }

  /** One GC pass: frees contexts idle longer than their `keep_alive_min`; returns how many. */
  async gc(now = Date.now()): Promise<number> {
    const expired: ScanContext[] = [];
    for (const c of this.#contexts.values()) {
      if (c.lastAccess === -1) continue;
      if (now - c.lastAccess > c.keepAliveMin * this.#options.keepAliveMinuteMs) expired.push(c);
    }
    for (const c of expired) {
      this.#contexts.delete(c.id);
      await c.mutex.run(() => release(c));
    }
    return expired.length;
  }

  /** Frees every context (shutdown). */
  async closeAll(): Promise<void> {
    this.#closed = true;
    const all = [...this.#contexts.values()];
    this.#contexts.clear();
    for (const c of all) await c.mutex.run(() => release(c));
  }
}

/** Ends the streaming query (a new statement on its connection closes it) and frees the connection. */
async function release(c: ScanContext): Promise<void> {
  const conn = c.conn;
  c.conn = null;
  c.result = null;
  c.chunk = null;
  if (!conn) return;
  try {
    await conn.run('SELECT 1');
  } catch {
    // the stream is gone either way
  }
  conn.disconnectSync();
}
