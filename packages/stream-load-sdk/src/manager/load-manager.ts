import { channel } from 'node:diagnostics_channel';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { ReplayableBody, StreamLoadClient } from '../client/stream-load-client.js';
import { ClosedError, InvalidOptionError, StarRocksError, TransactionError } from '../errors.js';
import { Semaphore } from '../internal/semaphore.js';
import type { Row, RowSerializer } from '../serializers/index.js';
import { Chunk, SlabPool } from './chunk.js';
import { MemoryGate } from './memory-gate.js';
import { type LoadManagerOptions, type ResolvedManagerOptions, resolveManagerOptions } from './options.js';

/** Diagnostics channels (node:diagnostics_channel); messages are {@link LoadEvent}s. */
export const LOAD_START_CHANNEL = 'srconnect:stream-load-sdk:load:start';
export const LOAD_END_CHANNEL = 'srconnect:stream-load-sdk:load:end';

/** Published on the load channels. */
export interface LoadEvent {
  readonly mode: 'stream' | 'transaction' | 'two-phase';
  readonly database: string;
  readonly table: string;
  readonly label: string;
  readonly bytes: number;
  readonly rows: number;
  /** Only on end. */
  readonly durationMs?: number;
  readonly retries?: number;
  readonly loadedRows?: number;
  readonly filteredRows?: number;
  readonly error?: Error;
}

/** A transaction left open or prepared by `two-phase` mode: what the caller must commit or abort. */
export interface Committable {
  readonly database: string;
  readonly table: string;
  readonly label: string;
}

/** A table plus a variant with its own load parameters (see {@link LoadManager.writeTo}). */
export interface WriteTarget {
  readonly database: string;
  readonly table: string;
  readonly variant: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly serializer?: RowSerializer;
}

/** Counters of a manager. */
export interface LoadManagerStats {
  readonly bufferedBytes: number;
  readonly bufferedRows: number;
  /** Bytes held against the memory limit (buffered and in flight). */
  readonly reservedBytes: number;
  readonly peakReservedBytes: number;
  readonly memoryLimitBytes: number;
  readonly writesBlocked: number;
  readonly inFlightLoads: number;
  readonly loadsSucceeded: number;
  readonly loadsFailed: number;
  readonly retries: number;
  readonly rowsLoaded: number;
  readonly bytesLoaded: number;
  readonly rowsFiltered: number;
  readonly tables: number;
}

/** Buffers rows per table and loads them with flush policies, backpressure and retries. */
export interface LoadManager {
  /**
   * Buffers one row (an object/array for the table's serializer, or a pre-serialized record as a
   * string/Buffer without its delimiter). Resolves at once while the buffer is under the memory
   * limit (so it exceeds the limit by at most one row), otherwise when room is freed. Rejects with
   * the failure of an earlier load.
   */
  write(database: string, table: string, row: Row | string | Buffer, signal?: AbortSignal): Promise<void>;
  /**
   * Like `write`, for rows that need their own load parameters within a table — e.g. partial
   * updates of one column set (`variant` names the set; `properties` and `serializer` apply to it).
   * Rows keep their order within the table: switching variant closes the previous variant's chunk.
   */
  writeTo(target: WriteTarget, row: Row | string | Buffer, signal?: AbortSignal): Promise<void>;
  /** Loads everything buffered and waits for it (in `two-phase` mode: into the open transactions). */
  flush(): Promise<void>;
  /** `two-phase`: the open (not yet prepared) transactions. */
  snapshot(): Committable[];
  /** `two-phase`: flushes, prepares every open transaction and returns them; new rows start new transactions. */
  prepare(): Promise<Committable[]>;
  /** `two-phase`: commits prepared transactions (idempotent). */
  commit(committables: readonly Committable[]): Promise<void>;
  /** `two-phase`: rolls back the given transactions, or every open one. */
  abort(committables?: readonly Committable[]): Promise<void>;
  stats(): LoadManagerStats;
  /** Flushes (except in `two-phase` mode, where open transactions are rolled back) and stops. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Loads of one table run in order, whatever variant (region) they come from. */
interface Lane {
  tail: Promise<void>;
  last: Region | null;
}

interface Region {
  readonly database: string;
  readonly table: string;
  readonly variant: string;
  readonly lane: Lane;
  readonly serializer: RowSerializer | null;
  readonly properties: Record<string, string>;
  readonly delimiter: Buffer;
  active: Chunk;
  readonly sealed: Chunk[];
  /** Bytes and rows written but not yet loaded (active + sealed). */
  bufferedBytes: number;
  bufferedRows: number;
  pump: Promise<void> | null;
  /** two-phase: the open transaction. */
  txnLabel: string | null;
}

function delimiterOf(properties: Record<string, string>, serializer: RowSerializer | null): Buffer {
  if (serializer) return serializer.rowDelimiter;
  if ((properties.format ?? 'csv').toLowerCase() === 'json') return Buffer.from('\n');
  const d = properties.row_delimiter;
  if (d === undefined) return Buffer.from('\n');
  if (/^(\\x|0x)[0-9a-f]+$/i.test(d) && d.length % 2 === 0) return Buffer.from(d.slice(2), 'hex');
  return Buffer.from(d);
}

const gzip = promisify(gzipCallback);
const startChannel = channel(LOAD_START_CHANNEL);
const endChannel = channel(LOAD_END_CHANNEL);

/** Creates a load manager over a {@link StreamLoadClient}. Options are validated here. */
export function createLoadManager(client: StreamLoadClient, options: LoadManagerOptions = {}): LoadManager {
  if (!client || typeof client.load !== 'function')
    throw new InvalidOptionError('`client` must be a StreamLoadClient');
  const o: ResolvedManagerOptions = resolveManagerOptions(options);
  const regions = new Map<string, Region>();
  const gate = new MemoryGate(o.memoryLimitBytes);
  const slabs = new SlabPool(Math.min(o.memoryLimitBytes, 64 * 1024 * 1024));
  const loads = new Semaphore(o.maxInFlightLoads);
  const prepared: Committable[] = [];
  let failure: StarRocksError | null = null;
  let closed = false;
  let inFlight = 0;
  const counters = {
    loadsSucceeded: 0,
    loadsFailed: 0,
    retries: 0,
    rowsLoaded: 0,
    bytesLoaded: 0,
    rowsFiltered: 0,
  };

  const tableOptions = new Map(o.tables.map((t) => [`${t.database}\u0000${t.table}`, t]));

  const lanes = new Map<string, Lane>();

  const region = (database: string, table: string, target?: WriteTarget): Region => {
    const tableKey = `${database}\u0000${table}`;
    const key = target ? `${tableKey}\u0000${target.variant}` : tableKey;
    let r = regions.get(key);
    if (r) return r;
    const t = tableOptions.get(tableKey);
    const serializer = target?.serializer ?? t?.serializer ?? o.serializer;
    const properties: Record<string, string> = {
      ...(serializer?.properties ?? {}),
      ...o.properties,
      ...((t?.properties as Record<string, string>) ?? {}),
      ...(target?.properties ?? {}),
    };
    if (o.compression === 'gzip') {
      if ((properties.format ?? 'csv').toLowerCase() === 'json') properties.compression = 'gzip';
      else properties.format = 'gzip';
    }
    let lane = lanes.get(tableKey);
    if (!lane) {
      lane = { tail: Promise.resolve(), last: null };
      lanes.set(tableKey, lane);
    }
    r = {
      database,
      table,
      variant: target?.variant ?? '',
      lane,
      serializer,
      properties,
      delimiter: delimiterOf(properties, serializer),
      active: new Chunk(slabs),
      sealed: [],
      bufferedBytes: 0,
      bufferedRows: 0,
      pump: null,
      txnLabel: null,
    };
    regions.set(key, r);
    return r;
  };

  const fail = (err: unknown) => {
    const e =
      err instanceof StarRocksError
        ? err
        : new StarRocksError('SR_LOAD_FAILED', `load failed: ${(err as Error)?.message ?? String(err)}`, {
            cause: err,
          });
    failure ??= e;
    gate.failWaiters(failure);
  };

  const check = () => {
    if (failure) throw failure;
    if (closed) throw new ClosedError('the LoadManager is closed');
  };

  const seal = (r: Region) => {
    if (r.active.rows === 0) return;
    r.sealed.push(r.active);
    r.active = new Chunk(slabs);
  };

  const done = (r: Region, chunk: Chunk) => {
    r.bufferedBytes -= chunk.bytes;
    r.bufferedRows -= chunk.rows;
    chunk.recycle();
    gate.release(chunk.bytes);
  };

  const publish = <T>(
    ev: LoadEvent,
    fn: () => Promise<T>,
    summary: (v: T) => Partial<LoadEvent>,
  ): Promise<T> => {
    if (startChannel.hasSubscribers) startChannel.publish(ev);
    const t0 = performance.now();
    return fn().then(
      (v) => {
        if (endChannel.hasSubscribers)
          endChannel.publish({ ...ev, durationMs: performance.now() - t0, ...summary(v) });
        return v;
      },
      (error: Error) => {
        if (endChannel.hasSubscribers)
          endChannel.publish({ ...ev, durationMs: performance.now() - t0, error });
        throw error;
      },
    );
  };

  /** A replayable body: the chunk's slabs streamed as they are (no copy), or gzipped once. */
  const bodyOf = async (chunk: Chunk): Promise<{ body: ReplayableBody; contentLength?: number }> => {
    if (o.compression === 'gzip') return { body: await gzip(chunk.body()) };
    const pieces = chunk.pieces();
    if (pieces.length === 1) return { body: pieces[0]! };
    return { body: () => Readable.from(pieces), contentLength: chunk.bytes };
  };

  /** Stream mode: one Stream Load per chunk, in order. */
  const loadChunkStream = async (r: Region, chunk: Chunk) => {
    const label = o.labelGenerator.next(r.database, r.table, r.variant);
    const body = await bodyOf(chunk);
    const res = await publish(
      { mode: 'stream', database: r.database, table: r.table, label, bytes: chunk.bytes, rows: chunk.rows },
      () => client.load({ database: r.database, table: r.table, label, ...body, properties: r.properties }),
      (v) => ({
        retries: v.attempts - 1,
        loadedRows: v.numberLoadedRows,
        filteredRows: v.numberFilteredRows,
      }),
    );
    counters.retries += res.attempts - 1;
    counters.rowsLoaded += res.numberLoadedRows;
    counters.rowsFiltered += res.numberFilteredRows;
  };

  /** Transaction mode: every sealed chunk of the flush in one transaction, retried whole with the same label. */
  const loadBatchTransaction = async (r: Region, chunks: readonly Chunk[]) => {
    const label = o.labelGenerator.next(r.database, r.table, r.variant);
    const bytes = chunks.reduce((a, c) => a + c.bytes, 0);
    const rows = chunks.reduce((a, c) => a + c.rows, 0);
    let retries = 0;
    await publish(
      { mode: 'transaction', database: r.database, table: r.table, label, bytes, rows },
      async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            await client.beginTransaction({
              database: r.database,
              table: r.table,
              label,
              timeoutSec: o.transactionTimeoutSec,
            });
            for (const c of chunks) {
              await client.transactionLoad({
                database: r.database,
                table: r.table,
                label,
                ...(await bodyOf(c)),
                properties: r.properties,
              });
            }
            await client.commitTransaction({ database: r.database, table: r.table, label });
            return;
          } catch (err) {
            await client
              .rollbackTransaction({ database: r.database, table: r.table, label })
              .catch(() => undefined);
            const again =
              attempt < o.transactionRetries &&
              err instanceof StarRocksError &&
              (err.retriable || err.code === 'SR_TXN_FAILED') &&
              !/filtered|denied/i.test(err.message);
            if (!again) throw err;
            retries++;
            counters.retries++;
            await sleep(Math.min(200 * 2 ** attempt, 5000));
          }
        }
      },
      () => ({ retries, loadedRows: rows }),
    );
    counters.rowsLoaded += rows;
  };

  /** Two-phase mode: chunks go into the region's open transaction. */
  const loadChunkTwoPhase = async (r: Region, chunk: Chunk) => {
    if (r.txnLabel === null) {
      const label = o.labelGenerator.next(r.database, r.table, r.variant);
      await client.beginTransaction({
        database: r.database,
        table: r.table,
        label,
        timeoutSec: o.transactionTimeoutSec,
      });
      r.txnLabel = label;
    }
    const label = r.txnLabel;
    await publish(
      {
        mode: 'two-phase',
        database: r.database,
        table: r.table,
        label,
        bytes: chunk.bytes,
        rows: chunk.rows,
      },
      async () =>
        client.transactionLoad({
          database: r.database,
          table: r.table,
          label,
          ...(await bodyOf(chunk)),
          properties: r.properties,
        }),
      () => ({ loadedRows: chunk.rows }),
    );
    counters.rowsLoaded += chunk.rows;
  };

  /** Loads a region's sealed chunks in order; one pump per region, and per table, at a time. */
  const pump = (r: Region): Promise<void> => {
    if (r.pump) return r.pump;
    const run = async () => {
      while (r.sealed.length > 0 && !failure) {
        const chunks = o.mode === 'transaction' ? r.sealed.splice(0) : [r.sealed.shift()!];
        await loads.acquire();
        inFlight++;
        try {
          if (o.mode === 'stream') await loadChunkStream(r, chunks[0]!);
          else if (o.mode === 'transaction') await loadBatchTransaction(r, chunks);
          else await loadChunkTwoPhase(r, chunks[0]!);
          counters.loadsSucceeded++;
          counters.bytesLoaded += chunks.reduce((a, c) => a + c.bytes, 0);
        } catch (err) {
          counters.loadsFailed++;
          fail(err);
        } finally {
          inFlight--;
          loads.release();
          for (const c of chunks) done(r, c);
        }
      }
      // nothing left will be loaded after a failure: give the memory back
      if (failure) {
        for (const c of r.sealed.splice(0)) done(r, c);
      }
    };
    // after every earlier load of the same table, whichever variant it came from
    const p: Promise<void> = r.lane.tail.then(run).finally(() => {
      if (r.pump === p) r.pump = null;
    });
    r.lane.tail = p.catch(() => undefined);
    r.pump = p;
    return p;
  };

  const flushRegion = (r: Region): Promise<void> => {
    seal(r);
    return pump(r);
  };

  /** Frees memory for a blocked writer: flush the table with the most unflushed bytes. */
  const relieve = () => {
    let best: Region | null = null;
    for (const r of regions.values())
      if (r.active.rows > 0 && (!best || r.active.bytes > best.active.bytes)) best = r;
    if (best) void flushRegion(best);
  };

  const timer =
    o.flushIntervalMs > 0
      ? setInterval(
          () => {
            const now = Date.now();
            for (const r of regions.values()) {
              if (r.active.rows > 0 && now - r.active.createdAt >= o.flushIntervalMs) void flushRegion(r);
            }
          },
          Math.max(10, Math.min(1000, Math.floor(o.flushIntervalMs / 4))),
        )
      : null;
  timer?.unref();

  const toRecord = (r: Region, row: Row | string | Buffer): string | Buffer => {
    if (typeof row === 'string' || Buffer.isBuffer(row)) return row;
    if (!r.serializer) {
      throw new InvalidOptionError(
        `no serializer for ${r.database}.${r.table}: pass \`serializer\` (or a table's) to createLoadManager, or write pre-serialized strings`,
      );
    }
    return r.serializer.serializeToString(row, r.bufferedRows);
  };

  /** Adds a row to its table's active chunk and returns its size in bytes (delimiter included). */
  const append = (r: Region, record: string | Buffer): number => {
    const prev = r.lane.last;
    if (prev !== r) {
      // keep the table's row order across variants: what the other variant buffered loads first
      if (prev !== null && prev.active.rows > 0) void flushRegion(prev);
      r.lane.last = r;
    }
    const estimate = (typeof record === 'string' ? record.length : record.length) + r.delimiter.length;
    if (r.active.rows > 0 && r.active.bytes + estimate > o.chunkSizeBytes) {
      seal(r);
      if (o.mode !== 'transaction') void pump(r);
    }
    const bytes = r.active.add(record, r.delimiter);
    r.bufferedBytes += bytes;
    r.bufferedRows++;
    // only rows not yet handed to a load count towards the next flush
    if (r.active.bytes >= o.maxBatchBytes || r.active.rows >= o.maxBatchRows) void flushRegion(r);
    return bytes;
  };

  const blockedWrite = async (r: Region, record: string | Buffer, signal?: AbortSignal) => {
    relieve();
    const estimate =
      (typeof record === 'string' ? Buffer.byteLength(record, 'utf8') : record.length) + r.delimiter.length;
    await gate.reserve(estimate, signal);
    check();
    const bytes = append(r, record);
    // the estimate was exact; keep the books straight if it ever is not
    if (bytes > estimate) gate.take(bytes - estimate);
    else if (bytes < estimate) gate.release(estimate - bytes);
  };

  // the hot path: no async frame, no key string, one shared resolved promise
  const RESOLVED = Promise.resolve();
  let lastDatabase: string | null = null;
  let lastTable: string | null = null;
  let lastRegion: Region | null = null;

  const writeTo = (target: WriteTarget, row: Row | string | Buffer, signal?: AbortSignal): Promise<void> => {
    try {
      check();
      const r = region(target.database, target.table, target);
      const record = toRecord(r, row);
      if (gate.used < gate.limit && gate.waiting === 0) {
        gate.take(append(r, record));
        return RESOLVED;
      }
      return blockedWrite(r, record, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  const write = (
    database: string,
    table: string,
    row: Row | string | Buffer,
    signal?: AbortSignal,
  ): Promise<void> => {
    try {
      check();
      let r: Region;
      if (database === lastDatabase && table === lastTable) r = lastRegion!;
      else {
        r = region(database, table);
        lastDatabase = database;
        lastTable = table;
        lastRegion = r;
      }
      const record = toRecord(r, row);
      // under the limit (the common case) the row is encoded once, straight into its chunk
      if (gate.used < gate.limit && gate.waiting === 0) {
        gate.take(append(r, record));
        return RESOLVED;
      }
      return blockedWrite(r, record, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  const flush = async () => {
    check();
    await Promise.all([...regions.values()].map((r) => flushRegion(r)));
    // chunks sealed while we waited
    while ([...regions.values()].some((r) => r.sealed.length > 0 || r.pump)) {
      await Promise.all([...regions.values()].map((r) => flushRegion(r)));
    }
    if (failure) throw failure;
  };

  const requireTwoPhase = (what: string) => {
    if (o.mode !== 'two-phase')
      throw new InvalidOptionError(`${what}() needs \`mode: 'two-phase'\` (this manager is '${o.mode}')`);
  };

  const snapshot = (): Committable[] => {
    requireTwoPhase('snapshot');
    return [...regions.values()]
      .filter((r) => r.txnLabel !== null)
      .map((r) => ({ database: r.database, table: r.table, label: r.txnLabel! }));
  };

  const prepare = async (): Promise<Committable[]> => {
    requireTwoPhase('prepare');
    await flush();
    const out: Committable[] = [];
    for (const r of regions.values()) {
      if (r.txnLabel === null) continue;
      const c = { database: r.database, table: r.table, label: r.txnLabel };
      try {
        await client.prepareTransaction({ ...c, preparedTimeoutSec: o.preparedTimeoutSec ?? undefined });
      } catch (err) {
        fail(err);
        throw failure;
      }
      r.txnLabel = null;
      prepared.push(c);
      out.push(c);
    }
    return out;
  };

  const commit = async (committables: readonly Committable[]) => {
    requireTwoPhase('commit');
    for (const c of committables) {
      await client.commitTransaction(c);
      const i = prepared.findIndex((p) => p.label === c.label && p.database === c.database);
      if (i >= 0) prepared.splice(i, 1);
    }
  };

  const abort = async (committables?: readonly Committable[]) => {
    requireTwoPhase('abort');
    const list = committables ?? snapshot();
    const errors: unknown[] = [];
    for (const c of list) {
      try {
        await client.rollbackTransaction(c);
      } catch (err) {
        errors.push(err);
      }
      for (const r of regions.values())
        if (r.txnLabel === c.label && r.database === c.database) r.txnLabel = null;
    }
    if (errors.length > 0) {
      throw new TransactionError(
        `abort failed for ${errors.length} of ${list.length} transactions: ${(errors[0] as Error).message}`,
        'rollback',
        {
          label: list[0]?.label ?? '',
          txnId: null,
          httpStatus: 0,
          status: '',
          serverMessage: (errors[0] as Error).message,
          errorUrl: null,
          errorLog: null,
        },
      );
    }
  };

  const stats = (): LoadManagerStats => {
    let bufferedBytes = 0;
    let bufferedRows = 0;
    for (const r of regions.values()) {
      bufferedBytes += r.bufferedBytes;
      bufferedRows += r.bufferedRows;
    }
    return {
      bufferedBytes,
      bufferedRows,
      reservedBytes: gate.used,
      peakReservedBytes: gate.peak,
      memoryLimitBytes: gate.limit,
      writesBlocked: gate.blockedWrites,
      inFlightLoads: inFlight,
      ...counters,
      tables: regions.size,
    };
  };

  const close = async () => {
    if (closed) return;
    if (timer) clearInterval(timer);
    try {
      if (!failure) {
        if (o.mode === 'two-phase') {
          await Promise.all([...regions.values()].map((r) => r.pump));
          await abort();
        } else await flush();
      }
    } finally {
      closed = true;
      gate.failWaiters(new ClosedError('the LoadManager is closed'));
    }
    if (failure) throw failure;
  };

  return {
    write,
    writeTo,
    flush,
    snapshot,
    prepare,
    commit,
    abort,
    stats,
    close,
    [Symbol.asyncDispose]: close,
  };
}
