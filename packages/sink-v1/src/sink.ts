import { Writable } from 'node:stream';
import {
  createCsvSerializer,
  createJsonSerializer,
  createLoadManager,
  createStreamLoadClient,
  InvalidOptionError,
  type LoadManagerStats,
  opForRowKind,
  type RowKind,
  type RowSerializer,
  type StreamLoadClient,
  type StreamLoadClientOptions,
} from '@srconnect/stream-load-sdk';
import { type ResolvedSinkOptions, resolveSinkOptions, type SinkOptions } from './options.js';

export type { RowKind };

/** Where a row goes and what it does; defaults come from the sink options. */
export interface RowMeta {
  readonly database?: string;
  readonly table?: string;
  readonly kind?: RowKind;
}

/** A buffering sink: at-least-once loads through Stream Load. */
export interface Sink {
  /** Buffers a row; the promise waits while the buffer is full (backpressure) and rejects with an earlier load failure. */
  write(row: Readonly<Record<string, unknown>>, meta?: RowMeta): Promise<void>;
  /** Loads everything buffered and waits for it. */
  flush(): Promise<void>;
  /** An object-mode Writable (for `stream.pipeline`); each chunk is a row, or `{ row, database, table, kind }` when `envelope` is set. */
  toWritable(options?: { envelope?: boolean; highWaterMark?: number }): Writable;
  stats(): SinkStats;
  /** Flushes and releases everything. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface SinkStats extends LoadManagerStats {
  /** Rows given to `write`, and how many were dropped (update-before rows). */
  readonly rowsWritten: number;
  readonly rowsDropped: number;
}

interface TableInfo {
  readonly database: string;
  readonly table: string;
  readonly columns: readonly string[] | null;
  readonly primaryKey: boolean;
  readonly properties: Record<string, string>;
  /** Serializers by column-set signature ('' = every column). */
  readonly serializers: Map<string, RowSerializer>;
}

/** Creates a sink. Options are validated once (zod); errors name the option. */
export function createSink(options: SinkOptions): Sink {
  const o: ResolvedSinkOptions = resolveSinkOptions(options);
  const client: StreamLoadClient = createStreamLoadClient({
    ...(o.connection as StreamLoadClientOptions),
    retry: o.retry,
    properties: o.properties,
    logger: o.logger,
  });
  const manager = createLoadManager(client, {
    mode: 'stream',
    labelPrefix: o.labelPrefix,
    maxBatchBytes: o.flush.maxBytes,
    maxBatchRows: o.flush.maxRows,
    flushIntervalMs: o.flush.intervalMs,
    memoryLimitBytes: o.memoryLimitBytes,
    chunkSizeBytes: o.chunkSizeBytes,
    maxInFlightLoads: o.maxInFlightLoads,
    compression: o.compression,
  });
  const tables = new Map<string, TableInfo>();
  let written = 0;
  let dropped = 0;

  const tableInfo = (database: string, table: string): TableInfo => {
    const key = `${database}.${table}`;
    let t = tables.get(key);
    if (t) return t;
    const cfg = o.tables[key];
    const isDefault = database === o.database && table === o.table;
    const columns = cfg?.columns ?? (isDefault ? (o.columns ?? null) : null);
    if (o.format === 'csv' && !columns) {
      throw new InvalidOptionError(
        `tables.${key}.columns: required with format csv (a row was routed to ${key})`,
      );
    }
    const primaryKey = cfg?.primaryKey ?? (isDefault ? o.primaryKey : false);
    if (primaryKey && !columns) {
      throw new InvalidOptionError(
        `tables.${key}.columns: required for a PRIMARY KEY table (the load's \`columns\` header must list __op)`,
      );
    }
    t = {
      database,
      table,
      columns,
      primaryKey,
      properties: cfg?.properties ?? {},
      serializers: new Map(),
    };
    tables.set(key, t);
    return t;
  };

  const serializerFor = (
    t: TableInfo,
    columns: readonly string[] | null,
    signature: string,
  ): RowSerializer => {
    let s = t.serializers.get(signature);
    if (s) return s;
    const opts = { columns: columns ?? undefined, withOp: t.primaryKey, timeZone: o.timeZone };
    s = o.format === 'csv' ? createCsvSerializer({ ...opts, columns: columns! }) : createJsonSerializer(opts);
    t.serializers.set(signature, s);
    return s;
  };

  const write = (row: Readonly<Record<string, unknown>>, meta: RowMeta = {}): Promise<void> => {
    written++;
    const database = meta.database ?? o.database;
    const table = meta.table ?? o.table;
    if (!database || !table) {
      return Promise.reject(
        new InvalidOptionError(
          'row has no target: pass { database, table } or set the `database` and `table` options',
        ),
      );
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      return Promise.reject(
        new InvalidOptionError(
          `rows must be objects keyed by column name, got ${Array.isArray(row) ? 'an array' : typeof row}`,
        ),
      );
    }
    let t: TableInfo;
    try {
      t = tableInfo(database, table);
    } catch (err) {
      return Promise.reject(err);
    }
    let op: 0 | 1 | null;
    try {
      op = opForRowKind(meta.kind ?? 'upsert', t, o.ignoreUpdateBefore);
    } catch (err) {
      return Promise.reject(err);
    }
    if (op === null) {
      dropped++;
      return Promise.resolve();
    }
    const value = t.primaryKey ? { ...row, __op: op } : row;
    // a row that carries only some of the table's columns is a partial update of those columns
    if (o.partialUpdate === 'auto' && t.columns && t.primaryKey && op === 0) {
      const present = t.columns.filter((c) => row[c] !== undefined);
      if (present.length < t.columns.length) {
        const signature = present.join('\u0000');
        return manager.writeTo(
          {
            database,
            table,
            variant: signature,
            serializer: serializerFor(t, present, signature),
            properties: { ...t.properties, partial_update: 'true' },
          },
          value,
        );
      }
    }
    return manager.writeTo(
      { database, table, variant: '', serializer: serializerFor(t, t.columns, ''), properties: t.properties },
      value,
    );
  };

  const close = async () => {
    try {
      await manager.close();
    } finally {
      await client.close();
    }
  };

  return {
    write,
    flush: () => manager.flush(),
    toWritable: (opts = {}) =>
      new Writable({
        objectMode: true,
        highWaterMark: opts.highWaterMark ?? 1024,
        write(chunk: unknown, _enc, cb) {
          const p = opts.envelope
            ? write((chunk as { row: Record<string, unknown> }).row, chunk as RowMeta)
            : write(chunk as Record<string, unknown>);
          p.then(() => cb(), cb);
        },
        final(cb) {
          close().then(() => cb(), cb);
        },
        destroy(err, cb) {
          // a destroyed stream stops without flushing what is left (at-least-once: the source replays it)
          client.close().then(
            () => cb(err),
            () => cb(err),
          );
        },
      }),
    stats: () => ({ ...manager.stats(), rowsWritten: written, rowsDropped: dropped }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
