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
  /**
   * `two-phase`: loads the rows written so far, prepares every open transaction and returns them;
   * rows written from the call on start new transactions. All or nothing: on a failure what this
   * call prepared is rolled back.
   */
  prepare(): Promise<Committable[]>;
  /** `two-phase`: commits prepared transactions (idempotent). */
  commit(committables: readonly Committable[]): Promise<void>;
  /** `two-phase`: rolls back the given transactions, or every open one. */
  abort(committables?: readonly Committable[]): Promise<void>;
  stats(): LoadManagerStats;
  /**
   * Stops accepting rows (writes still waiting for buffer space reject with `SR_CLOSED`), then
   * flushes what was accepted (in `two-phase` mode: rolls back open transactions) and stops.
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Work queued on a table's lane: a sealed chunk of a region, or a two-phase prepare of a region. */
type Job =
  | {
      readonly kind: 'chunk';
      readonly r: Region;
      readonly chunk: Chunk;
      /** transaction mode: the last chunk of a flush; a transaction never reaches past it. */
      batchEnd: boolean;
    }
  | {
      readonly kind: 'prepare';
      readonly r: Region;
      readonly resolve: (c: Committable | null) => void;
      readonly reject: (e: unknown) => void;
    };

/**
 * Loads of one table run in the order their rows were written, whatever variant (region) they come
 * from: one FIFO queue per table, drained by a single pump.
 */
interface Lane {
  readonly queue: Job[];
  pump: Promise<void> | null;
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
  /** Bytes and rows written but not yet loaded (active + queued). */
  bufferedBytes: number;
  bufferedRows: number;
  /** transaction mode: bytes and rows since the last flush (sealed chunks wait for it there). */
  unflushedBytes: number;
  unflushedRows: number;
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

/** The JSON serializer writes one object per line: `strip_outer_array=true` would make StarRocks reject it. */
function rejectOuterArray(
  properties: Record<string, string>,
  serializer: RowSerializer | null,
  where: string,
) {
  if (
    serializer &&
    (properties.format ?? 'csv').toLowerCase() === 'json' &&
    (properties.strip_outer_array ?? '').toLowerCase() === 'true'
  ) {
    throw new InvalidOptionError(
      `\`strip_outer_array: 'true'\` (${where}) does not fit the serializer, which writes one JSON object per line (no outer array); remove it`,
    );
  }
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
  /** Set when close() starts: no write is accepted from then on. */
  let closing = false;
  let closeDone: Promise<void> = Promise.resolve();
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
  // what can be checked before the first write
  rejectOuterArray({ ...(o.serializer?.properties ?? {}), ...o.properties }, o.serializer, 'properties');
  for (const t of o.tables) {
    const serializer = t.serializer ?? o.serializer;
    rejectOuterArray(
      {
        ...(serializer?.properties ?? {}),
        ...o.properties,
        ...((t.properties as Record<string, string>) ?? {}),
      },
      serializer,
      `${t.database}.${t.table}`,
    );
  }

  const lanes = new Map<string, Lane>();
  /** One shared resolved promise. */
  const RESOLVED = Promise.resolve();

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
    rejectOuterArray(properties, serializer, `${database}.${table}`);
    if (o.compression === 'gzip') {
      if ((properties.format ?? 'csv').toLowerCase() === 'json') properties.compression = 'gzip';
      else properties.format = 'gzip';
    }
    let lane = lanes.get(tableKey);
    if (!lane) {
      lane = { queue: [], pump: null, last: null };
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
      bufferedBytes: 0,
      bufferedRows: 0,
      unflushedBytes: 0,
      unflushedRows: 0,
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
    // nothing queued will be loaded now: give the memory of idle lanes back (busy ones drop theirs)
    for (const lane of lanes.values()) if (!lane.pump) dropQueue(lane);
  };

  const check = () => {
    if (failure) throw failure;
    if (closing) throw new ClosedError('the LoadManager is closed');
  };

  const seal = (r: Region) => {
    if (r.active.rows === 0) return;
    r.lane.queue.push({ kind: 'chunk', r, chunk: r.active, batchEnd: false });
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

  /** Rolls a transaction back (or cancels it); true once it is known to be aborted or unknown. */
  const endTransaction = async (req: {
    database: string;
    table: string;
    label: string;
  }): Promise<boolean> => {
    try {
      await client.rollbackTransaction(req);
      return true;
    } catch {}
    try {
      await client.cancelTransaction(req);
      return true;
    } catch {}
    try {
      const s = await client.labelState(req);
      return s.state === 'ABORTED' || s.state === 'UNKNOWN';
    } catch {
      return false;
    }
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
            const again =
              attempt < o.transactionRetries &&
              err instanceof StarRocksError &&
              (err.retriable || err.code === 'SR_TXN_FAILED') &&
              !/filtered|denied/i.test(err.message);
            // the label is begun again only once its transaction is known to be gone: resending
            // the chunks into a transaction that survived would load them twice
            const gone = await endTransaction({ database: r.database, table: r.table, label });
            if (!again) throw err;
            if (!gone) {
              throw new TransactionError(
                `transaction '${label}' of ${r.database}.${r.table} failed (${(err as Error).message}) and could not be rolled back or cancelled; not retried, so its rows are not loaded twice`,
                'rollback',
                {
                  label,
                  txnId: null,
                  httpStatus: 0,
                  status: '',
                  serverMessage: (err as Error).message,
                  errorUrl: null,
                  errorLog: null,
                },
              );
            }
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

  /** Drops what a lane still queues (after a failure): memory back, waiting prepares rejected. */
  const dropQueue = (lane: Lane) => {
    for (const job of lane.queue.splice(0)) {
      if (job.kind === 'chunk') done(job.r, job.chunk);
      else job.reject(failure ?? new ClosedError('the LoadManager is closed'));
    }
  };

  /** two-phase: prepares the region's open transaction, in order with the table's loads. */
  const runPrepare = async (job: Extract<Job, { kind: 'prepare' }>) => {
    const r = job.r;
    if (r.txnLabel === null) {
      job.resolve(null);
      return;
    }
    const c: Committable = { database: r.database, table: r.table, label: r.txnLabel };
    // detached first: later rows of the table start a new transaction
    r.txnLabel = null;
    try {
      await client.prepareTransaction({ ...c, preparedTimeoutSec: o.preparedTimeoutSec ?? undefined });
    } catch (err) {
      fail(err);
      // still open (or in an unknown state): keep it reachable for abort()/close()
      r.txnLabel ??= c.label;
      job.reject(failure);
      return;
    }
    prepared.push(c);
    job.resolve(c);
  };

  /**
   * Drains a table's queue in FIFO order; one pump per table at a time. Transaction mode batches
   * consecutive chunks of one region into a transaction, up to the end of a flush.
   */
  const pumpLane = (lane: Lane): Promise<void> => {
    if (lane.pump) return lane.pump;
    if (lane.queue.length === 0) return RESOLVED;
    const p = (async () => {
      await undefined; // lets `lane.pump = p` below happen first
      for (;;) {
        if (failure || lane.queue.length === 0) break;
        const head = lane.queue[0]!;
        if (head.kind === 'prepare') {
          lane.queue.shift();
          await runPrepare(head);
          continue;
        }
        const r = head.r;
        let n = 1;
        if (o.mode === 'transaction') {
          let last = head;
          while (n < lane.queue.length && !last.batchEnd) {
            const next = lane.queue[n]!;
            if (next.kind !== 'chunk' || next.r !== r) break;
            last = next;
            n++;
          }
        }
        const chunks = lane.queue.splice(0, n).map((j) => (j as Extract<Job, { kind: 'chunk' }>).chunk);
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
      // cleared in the same tick as the final check: a chunk queued from now on starts a new pump
      lane.pump = null;
      // nothing left will be loaded after a failure: give the memory back
      if (failure) dropQueue(lane);
    })();
    lane.pump = p;
    return p;
  };

  const flushRegion = (r: Region): Promise<void> => {
    r.unflushedBytes = 0;
    r.unflushedRows = 0;
    seal(r);
    // what this flush sealed is one transaction (transaction mode), however long the queue grows
    for (let i = r.lane.queue.length - 1; i >= 0; i--) {
      const job = r.lane.queue[i]!;
      if (job.kind === 'chunk' && job.r === r) {
        job.batchEnd = true;
        break;
      }
    }
    return pumpLane(r.lane);
  };

  /** Starts a pump for every lane that has queued work but none running. */
  const kickIdleLanes = () => {
    for (const lane of lanes.values()) if (!lane.pump && lane.queue.length > 0) void pumpLane(lane);
  };

  /** Frees memory for a blocked writer: flush the table with the most unflushed bytes. */
  const relieve = () => {
    kickIdleLanes();
    let best: Region | null = null;
    for (const r of regions.values())
      if (r.active.rows > 0 && (!best || r.active.bytes > best.active.bytes)) best = r;
    if (best) void flushRegion(best);
  };

  const timer =
    o.flushIntervalMs > 0
      ? setInterval(
          () => {
            if (failure) return;
            const now = Date.now();
            for (const r of regions.values()) {
              if (r.active.rows > 0 && now - r.active.createdAt >= o.flushIntervalMs) void flushRegion(r);
            }
            kickIdleLanes();
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
      if (o.mode !== 'transaction') void pumpLane(r.lane);
    }
    const bytes = r.active.add(record, r.delimiter);
    r.bufferedBytes += bytes;
    r.bufferedRows++;
    // only rows not yet handed to a load count towards the next flush; in transaction mode sealed
    // chunks wait for the flush (one transaction), so they count too
    r.unflushedBytes += bytes;
    r.unflushedRows++;
    const txn = o.mode === 'transaction';
    if (
      (txn ? r.unflushedBytes : r.active.bytes) >= o.maxBatchBytes ||
      (txn ? r.unflushedRows : r.active.rows) >= o.maxBatchRows
    )
      void flushRegion(r);
    return bytes;
  };

  const blockedWrite = async (r: Region, record: string | Buffer, signal?: AbortSignal) => {
    relieve();
    const estimate =
      (typeof record === 'string' ? Buffer.byteLength(record, 'utf8') : record.length) + r.delimiter.length;
    await gate.reserve(estimate, signal);
    try {
      check();
    } catch (err) {
      gate.release(estimate);
      throw err;
    }
    const bytes = append(r, record);
    // the estimate was exact; keep the books straight if it ever is not
    if (bytes > estimate) gate.take(bytes - estimate);
    else if (bytes < estimate) gate.release(estimate - bytes);
  };

  // the hot path: no async frame, no key string
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

  /** Loads everything buffered, and what is written meanwhile, until every table is idle. */
  const drain = async () => {
    do {
      for (const r of regions.values()) seal(r);
      await Promise.all([...lanes.values()].map((lane) => pumpLane(lane)));
    } while (
      !failure &&
      ([...lanes.values()].some((lane) => lane.queue.length > 0 || lane.pump) ||
        [...regions.values()].some((r) => r.active.rows > 0))
    );
  };

  const flush = async () => {
    check();
    await drain();
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
    check();
    // queued behind every row written so far, ahead of every row written later (which therefore
    // starts a new transaction)
    const pending: Promise<Committable | null>[] = [];
    for (const r of regions.values()) {
      seal(r);
      pending.push(
        new Promise<Committable | null>((resolve, reject) =>
          r.lane.queue.push({ kind: 'prepare', r, resolve, reject }),
        ),
      );
    }
    for (const lane of lanes.values()) void pumpLane(lane);
    const results = await Promise.allSettled(pending);
    const out = results.flatMap((x) => (x.status === 'fulfilled' && x.value ? [x.value] : []));
    if (results.some((x) => x.status === 'rejected') || failure) {
      // all or nothing: roll back what this call did prepare
      for (const c of out) {
        // left PREPARED when this fails: still listed by the error below
        if (await endTransaction(c)) {
          const i = prepared.indexOf(c);
          if (i >= 0) prepared.splice(i, 1);
        }
      }
      const left = out.filter((c) => prepared.includes(c));
      const err = failure ?? (results.find((x) => x.status === 'rejected') as PromiseRejectedResult).reason;
      if (left.length > 0 && err instanceof Error) {
        (err as Error & { preparedTransactions?: Committable[] }).preparedTransactions = left;
      }
      throw err;
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
    if (closing) {
      await closeDone;
      return;
    }
    closing = true;
    if (timer) clearInterval(timer);
    // writers still waiting for buffer space are refused: their rows would not be loaded
    gate.failWaiters(new ClosedError('the LoadManager is closed'));
    closeDone = (async () => {
      try {
        if (o.mode === 'two-phase') {
          await Promise.all([...lanes.values()].map((lane) => lane.pump));
          // roll back every open transaction, after a failure too
          await abort().catch((err) => {
            if (!failure) throw err;
          });
        } else if (!failure) await drain();
      } finally {
        for (const lane of lanes.values()) if (!lane.pump) dropQueue(lane);
      }
    })();
    await closeDone;
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
