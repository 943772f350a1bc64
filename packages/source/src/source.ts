import { translateDriverError } from '@srconnect/catalog';
import { AbortedError, InvalidOptionError, ProtocolError, StarRocksError } from '@srconnect/stream-load-sdk';
import { type RecordBatch, tableFromIPC } from 'apache-arrow';
import mysql from 'mysql2/promise';
import { Agent } from 'undici';
import { batchRows, type SourceRow } from './arrow-rows.js';
import { isAlwaysFalse, quoteIdentifier, renderFilter } from './filter.js';
import { mergeReaders } from './merge-readers.js';
import { fetchQueryPlan } from './query-plan.js';
import { type ScanSplit, scanSplits } from './scan-splits.js';
import { type ScanColumn, ScanError, ScannerConnection } from './scanner-client.js';
import { type ResolvedSourceOptions, resolveSourceOptions, type SourceOptions } from './source-options.js';

/** A planned scan: pass it (or some of its splits) to `rows`/`batches`, here or in another process. */
export interface ScanPlan {
  /** The FE's opaque plan. */
  readonly queryPlan: string;
  readonly splits: readonly ScanSplit[];
}

/** One Arrow record batch of a scan, with where it came from. */
export interface SourceBatch {
  readonly batch: RecordBatch;
  /** `selected_columns` of `open_scanner`: names and `TPrimitiveType` ids, in batch order. */
  readonly columns: readonly ScanColumn[];
  /** The BE scanner address as planned (before `backendAddressMap`). */
  readonly backend: string;
  readonly split: ScanSplit;
}

export interface ScanOptions {
  /** Aborts the scan: iteration throws `SR_ABORTED` and the open scanners are closed. */
  readonly signal?: AbortSignal;
  /** A plan from `plan()` (else a new one is made); with `splits`, only those are read. */
  readonly plan?: ScanPlan;
  readonly splits?: readonly ScanSplit[];
}

export interface SourceStats {
  readonly plans: number;
  readonly scannersOpened: number;
  readonly retries: number;
  readonly batches: number;
  readonly rows: number;
  readonly bytes: number;
}

/** A bounded, parallel reader of one StarRocks table (query plan + BE scanners, Arrow batches). */
export interface Source {
  /** The SELECT the plan is made for. */
  readonly sql: string;
  /** Asks the FE for a plan and cuts it into splits (one scanner each). */
  plan(options?: { signal?: AbortSignal }): Promise<ScanPlan>;
  /** Every row, as plain objects (see the README's type mapping). Row order is not defined. */
  rows(options?: ScanOptions): AsyncGenerator<SourceRow, void, undefined>;
  /** Every Arrow record batch as the BEs send them. */
  batches(options?: ScanOptions): AsyncGenerator<SourceBatch, void, undefined>;
  /** `SELECT COUNT(*)` with the same filter, over the MySQL port (needs the `mysql` option). */
  count(): Promise<number>;
  stats(): SourceStats;
  /** Waits for background scanner cleanup and frees the HTTP client. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Splits handed back by the caller (maybe through JSON) must still be splits. */
function checkSplits(splits: readonly ScanSplit[]): void {
  for (const [i, s] of splits.entries()) {
    const ok =
      Array.isArray(s?.tabletIds) &&
      s.tabletIds.length > 0 &&
      s.tabletIds.every((t) => typeof t === 'string' && /^\d+$/.test(t)) &&
      Array.isArray(s.backends) &&
      s.backends.length > 0 &&
      s.backends.every((b) => typeof b === 'string');
    if (!ok) throw new InvalidOptionError(`splits[${i}]: not a split from plan() (tabletIds and backends)`);
  }
}

/** The record batches of one `get_next` reply (one Arrow IPC stream). */
function decodeBatches(bytes: Buffer, backend: string): RecordBatch[] {
  try {
    return tableFromIPC(bytes).batches;
  } catch (e) {
    throw new ProtocolError(
      `get_next rows from ${backend} are not an Arrow IPC stream: ${(e as Error).message}`,
      '',
    );
  }
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Best-effort `close_scanner` on a fresh connection, for a context whose connection was dropped. */
async function closeDetached(
  host: string,
  port: number,
  contextId: string,
  timeoutMs: number,
): Promise<void> {
  let conn: ScannerConnection | undefined;
  try {
    conn = await ScannerConnection.connect(host, port, {
      connectTimeoutMs: timeoutMs,
      socketTimeoutMs: timeoutMs,
    });
    await conn.closeScanner(contextId);
  } catch {
    // the BE's keep-alive GC frees it later
  } finally {
    conn?.close();
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('the scan was aborted', signal.reason);
}

function parseAddress(address: string, what: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port < 1 || port > 65_535) throw new InvalidOptionError(`${what}: '${address}' is not host:port`);
  return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}

/** Creates a source; options are validated once, nothing connects until a scan starts. */
export function createSource(options: SourceOptions): Source {
  const o: ResolvedSourceOptions = resolveSourceOptions(options);
  const table = `${quoteIdentifier(o.database, 'database')}.${quoteIdentifier(o.table, 'table')}`;
  const select = o.columns ? o.columns.map((c) => quoteIdentifier(c)).join(', ') : '*';
  const where = o.filter ? ` WHERE ${renderFilter(o.filter)}` : '';
  const sql = `SELECT ${select} FROM ${table}${where}`;
  const authorization = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`;
  const dispatcher = new Agent({ connect: { timeout: o.connectTimeoutMs, ...(o.tls ?? {}) } });
  const cleanups = new Set<Promise<unknown>>();
  const stats = { plans: 0, scannersOpened: 0, retries: 0, batches: 0, rows: 0, bytes: 0 };
  let feTurn = 0;

  const mapAddress = (planned: string): string => {
    const m = o.backendAddressMap;
    if (m === undefined) return planned;
    return typeof m === 'function' ? m(planned) : (m[planned] ?? planned);
  };

  const retriable = (e: unknown) => e instanceof StarRocksError && e.retriable;

  const plan = async (opts: { signal?: AbortSignal } = {}): Promise<ScanPlan> => {
    // StarRocks would plan no scan node for it and answer 500: nothing to read, nothing to ask
    if (o.filter && isAlwaysFalse(o.filter)) return { queryPlan: '', splits: [] };
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(opts.signal);
      const feUrl = o.feUrls[feTurn++ % o.feUrls.length] as string;
      try {
        stats.plans++;
        const p = await fetchQueryPlan({
          feUrl,
          database: o.database,
          table: o.table,
          sql,
          authorization,
          warehouse: o.warehouse,
          timeoutMs: o.socketTimeoutMs,
          dispatcher,
          signal: opts.signal,
        });
        return { queryPlan: p.plan, splits: scanSplits(p.tablets, o.parallelism) };
      } catch (e) {
        if (attempt >= o.maxRetries || !retriable(e) || opts.signal?.aborted) throw e;
        stats.retries++;
        await sleep(o.retryBackoffMs * (attempt + 1), opts.signal);
      }
    }
  };

  async function* readSplit(
    queryPlan: string,
    split: ScanSplit,
    signal: AbortSignal,
  ): AsyncGenerator<SourceBatch> {
    let delivered = false;
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      const backend = split.backends[attempt % split.backends.length] as string;
      const { host, port } = parseAddress(mapAddress(backend), 'backendAddressMap');
      let conn: ScannerConnection | undefined;
      let contextId: string | undefined;
      try {
        conn = await ScannerConnection.connect(host, port, {
          connectTimeoutMs: o.connectTimeoutMs,
          socketTimeoutMs: o.socketTimeoutMs,
          signal,
        });
        const opened = await conn.openScanner({
          database: o.database,
          table: o.table,
          tabletIds: split.tabletIds.map((t) => BigInt(t)),
          plan: queryPlan,
          batchSize: o.batchRows,
          user: o.user,
          password: o.password,
          keepAliveMin: o.keepAliveMin,
          queryTimeoutS: o.queryTimeoutS,
          memLimitBytes: o.memLimitBytes,
          properties: o.properties,
        });
        contextId = opened.contextId;
        stats.scannersOpened++;
        let offset = 0n;
        for (;;) {
          throwIfAborted(signal);
          const bytes = await conn.getNext(contextId, offset);
          if (bytes === undefined) return;
          stats.bytes += bytes.length;
          for (const batch of decodeBatches(bytes, backend)) {
            offset += BigInt(batch.numRows);
            stats.batches++;
            stats.rows += batch.numRows;
            delivered = true;
            yield { batch, columns: opened.columns, backend, split };
          }
        }
      } catch (e) {
        if (delivered && e instanceof ScanError && e.status === 'NOT_FOUND') {
          throw new ScanError(
            `${e.message} (the BE frees a scan context idle for keepAliveMin = ${o.keepAliveMin} min: read faster or raise keepAliveMin)`,
            e.statusCode,
            e.backend,
            e.serverMessage,
          );
        }
        // A retry after rows went out would deliver them twice: only a split that delivered nothing restarts.
        if (delivered || attempt >= o.maxRetries || !retriable(e) || signal.aborted) throw e;
        stats.retries++;
        await sleep(o.retryBackoffMs * (attempt + 1), signal);
      } finally {
        if (conn && contextId !== undefined) {
          if (conn.healthy) await conn.closeScanner(contextId).catch(() => undefined);
          else
            await closeDetached(host, port, contextId, Math.min(o.connectTimeoutMs, o.socketTimeoutMs, 5000));
        }
        conn?.close();
      }
    }
  }

  async function* batches(opts: ScanOptions = {}): AsyncGenerator<SourceBatch, void, undefined> {
    const p = opts.plan ?? (await plan({ signal: opts.signal }));
    const splits = opts.splits ?? p.splits;
    checkSplits(splits);
    yield* mergeReaders(
      splits.map(
        (s) => (stop: AbortSignal) =>
          readSplit(p.queryPlan, s, opts.signal ? AbortSignal.any([opts.signal, stop]) : stop),
      ),
      o.parallelism,
      opts.signal,
      (c) => {
        cleanups.add(c);
        void c.finally(() => cleanups.delete(c));
      },
    );
  }

  async function* rows(opts: ScanOptions = {}): AsyncGenerator<SourceRow, void, undefined> {
    for await (const b of batches(opts)) {
      const names =
        b.columns.length === b.batch.numCols ? b.columns.map((c) => c.name) : b.batch.schema.names;
      yield* batchRows(b.batch, names as string[]);
    }
  }

  const count = async (): Promise<number> => {
    if (!o.mysql) throw new InvalidOptionError('count() needs the mysql option (the FE MySQL host and port)');
    const countSql = `SELECT COUNT(*) AS n FROM ${table}${where}`;
    let conn: mysql.Connection | undefined;
    try {
      conn = await mysql.createConnection({
        host: o.mysql.host,
        port: o.mysql.port,
        user: o.user,
        password: o.password,
        connectTimeout: o.connectTimeoutMs,
        ssl: o.mysql.ssl as never,
        supportBigNumbers: true,
        bigNumberStrings: true,
      });
      const [res] = await conn.query({ sql: countSql, timeout: o.socketTimeoutMs });
      return Number((res as { n: string | number }[])[0]?.n);
    } catch (e) {
      throw translateDriverError(e, countSql, {
        host: o.mysql.host,
        port: o.mysql.port,
        user: o.user,
        password: o.password,
        connectTimeoutMs: o.connectTimeoutMs,
      });
    } finally {
      await conn?.end().catch(() => undefined);
    }
  };

  const close = async () => {
    await Promise.allSettled([...cleanups]);
    await dispatcher.close();
  };

  return {
    sql,
    plan,
    rows,
    batches,
    count,
    stats: () => ({ ...stats }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
