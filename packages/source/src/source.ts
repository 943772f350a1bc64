import { AbortedError, InvalidOptionError, StarRocksError } from '@srconnect/stream-load-sdk';
import { type RecordBatch, tableFromIPC } from 'apache-arrow';
import mysql from 'mysql2/promise';
import { Agent } from 'undici';
import { batchRows, type SourceRow } from './arrow-rows.js';
import { quoteIdentifier, renderFilter } from './filter.js';
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

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

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
    signal?: AbortSignal,
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
          const bytes = await conn.getNext(contextId, offset);
          if (bytes === undefined) return;
          stats.bytes += bytes.length;
          for (const batch of tableFromIPC(bytes).batches) {
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
        if (delivered || attempt >= o.maxRetries || !retriable(e) || signal?.aborted) throw e;
        stats.retries++;
        await sleep(o.retryBackoffMs * (attempt + 1), signal);
      } finally {
        if (conn && contextId !== undefined) await conn.closeScanner(contextId).catch(() => undefined);
        conn?.close();
      }
    }
  }

  async function* batches(opts: ScanOptions = {}): AsyncGenerator<SourceBatch, void, undefined> {
    const p = opts.plan ?? (await plan({ signal: opts.signal }));
    const splits = opts.splits ?? p.splits;
    yield* mergeReaders(
      splits.map((s) => () => readSplit(p.queryPlan, s, opts.signal)),
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
    const conn = await mysql.createConnection({
      host: o.mysql.host,
      port: o.mysql.port,
      user: o.user,
      password: o.password,
      connectTimeout: o.connectTimeoutMs,
      ssl: o.mysql.ssl as never,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    try {
      const [res] = await conn.query({
        sql: `SELECT COUNT(*) AS n FROM ${table}${where}`,
        timeout: o.socketTimeoutMs,
      });
      return Number((res as { n: string | number }[])[0]?.n);
    } catch (e) {
      throw new StarRocksError(
        'SR_SQL',
        `count of ${o.database}.${o.table} failed: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    } finally {
      await conn.end().catch(() => undefined);
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
