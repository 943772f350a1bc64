import { InvalidOptionError, StarRocksError } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { z } from 'zod';
import { quoteIdentifier } from './filter.js';
import { type CacheStats, LruCache } from './lru-cache.js';

export const LookupOptionsSchema = z.strictObject({
  connection: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(1).max(65535).default(9030),
      user: z.string().min(1),
      password: z.string().default(''),
      connectTimeoutMs: z.number().int().positive().default(10_000),
      poolSize: z.number().int().positive().default(4),
      ssl: z.record(z.string(), z.unknown()).optional(),
    })
    .describe('The FE MySQL port (StarRocks 9030)'),
  database: z.string().min(1),
  table: z.string().min(1),
  /** The columns a key is made of, in order. */
  keyColumns: z.array(z.string().min(1)).min(1),
  /** The columns returned (default: every column). */
  columns: z.array(z.string().min(1)).min(1).optional(),
  cache: z
    .strictObject({
      maxRows: z.number().int().nonnegative().default(100_000).describe('0 disables the cache'),
      ttlMs: z.number().int().positive().default(60_000),
      cacheMissing: z.boolean().default(true).describe('Remember keys that have no row'),
    })
    .default({ maxRows: 100_000, ttlMs: 60_000, cacheMissing: true }),
  batchSize: z.number().int().positive().max(10_000).default(500).describe('Keys per IN query'),
  queryTimeoutMs: z.number().int().positive().default(30_000),
});

export type LookupOptions = z.input<typeof LookupOptionsSchema>;

/** A key: one value for a single key column, or an array (in `keyColumns` order) for a composite key. */
export type LookupKey = string | number | bigint | boolean | readonly (string | number | bigint | boolean)[];

/** A row as mysql2 returns it with exact numbers and dates: DECIMAL/LARGEINT/BIGINT beyond 2^53 as strings, DATE/DATETIME as text. */
export type LookupRow = Record<string, unknown>;

export interface LookupStats extends CacheStats {
  readonly queries: number;
  readonly rowsFetched: number;
}

/** Point lookups by key over the MySQL protocol, batched and cached (LRU + TTL). */
export interface Lookup {
  get(key: LookupKey): Promise<LookupRow | null>;
  /** Rows for many keys (in the order of `keys`; null where there is none), in batched IN queries. */
  getMany(keys: readonly LookupKey[]): Promise<(LookupRow | null)[]>;
  /** Forgets cached keys (all when omitted). */
  invalidate(keys?: readonly LookupKey[]): void;
  stats(): LookupStats;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function parseOptions(input: unknown) {
  const r = LookupOptionsSchema.safeParse(input);
  if (!r.success) {
    throw new InvalidOptionError(
      `invalid lookup options:\n${r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('\n')}`,
    );
  }
  return r.data;
}

/** Creates a lookup; options are validated once (zod). */
export function createLookup(options: LookupOptions): Lookup {
  const o = parseOptions(options);
  const pool = mysql.createPool({
    host: o.connection.host,
    port: o.connection.port,
    user: o.connection.user,
    password: o.connection.password,
    connectTimeout: o.connection.connectTimeoutMs,
    connectionLimit: o.connection.poolSize,
    ssl: o.connection.ssl as never,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
  });
  const cache = new LruCache<string, LookupRow | null>(o.cache.maxRows, o.cache.ttlMs);
  const table = `${quoteIdentifier(o.database, 'database')}.${quoteIdentifier(o.table, 'table')}`;
  const select = o.columns ? o.columns.map((c) => quoteIdentifier(c)).join(', ') : '*';
  const keyCols = o.keyColumns.map((c) => quoteIdentifier(c));
  let queries = 0;
  let rowsFetched = 0;

  const normalize = (key: LookupKey): unknown[] => {
    const parts = Array.isArray(key) ? (key as unknown[]) : [key];
    if (parts.length !== o.keyColumns.length) {
      throw new InvalidOptionError(
        `a key needs ${o.keyColumns.length} value(s) (${o.keyColumns.join(', ')}), got ${parts.length}`,
      );
    }
    return parts.map((p) => (typeof p === 'bigint' ? p.toString() : p));
  };
  const cacheKey = (parts: readonly unknown[]) => JSON.stringify(parts.map((p) => String(p)));

  const fetchBatch = async (batch: unknown[][]): Promise<Map<string, LookupRow>> => {
    let where: string;
    const params: unknown[] = [];
    if (keyCols.length === 1) {
      where = `${keyCols[0]} IN (${batch.map(() => '?').join(', ')})`;
      for (const k of batch) params.push(k[0]);
    } else {
      where = batch.map(() => `(${keyCols.map((c) => `${c} = ?`).join(' AND ')})`).join(' OR ');
      for (const k of batch) params.push(...k);
    }
    const sql = `SELECT ${select === '*' ? '*' : `${select}`}, ${keyCols.map((c, i) => `${c} AS \`__k${i}\``).join(', ')} FROM ${table} WHERE ${where}`;
    queries++;
    let rows: LookupRow[];
    try {
      [rows] = (await pool.query({ sql, values: params, timeout: o.queryTimeoutMs })) as unknown as [
        LookupRow[],
      ];
    } catch (err) {
      throw new StarRocksError(
        'SR_NETWORK',
        `lookup in ${o.database}.${o.table} failed: ${(err as Error).message}`,
        { retriable: true, cause: err },
      );
    }
    rowsFetched += rows.length;
    const out = new Map<string, LookupRow>();
    for (const r of rows) {
      const parts = o.keyColumns.map((_, i) => r[`__k${i}`]);
      for (let i = 0; i < o.keyColumns.length; i++) delete r[`__k${i}`];
      out.set(cacheKey(parts), r);
    }
    return out;
  };

  const getMany = async (keys: readonly LookupKey[]): Promise<(LookupRow | null)[]> => {
    const normalized = keys.map(normalize);
    const ck = normalized.map(cacheKey);
    const result: (LookupRow | null)[] = new Array(keys.length);
    const missing = new Map<string, unknown[]>();
    ck.forEach((k, i) => {
      const hit = o.cache.maxRows > 0 ? cache.get(k) : undefined;
      if (hit) result[i] = hit.value;
      else if (!missing.has(k)) missing.set(k, normalized[i]!);
    });
    const todo = [...missing.entries()];
    const fetched = new Map<string, LookupRow | null>();
    for (let i = 0; i < todo.length; i += o.batchSize) {
      const batch = todo.slice(i, i + o.batchSize);
      const found = await fetchBatch(batch.map(([, parts]) => parts));
      for (const [k] of batch) {
        const row = found.get(k) ?? null;
        if (row !== null || o.cache.cacheMissing) cache.set(k, row);
        fetched.set(k, row);
      }
    }
    ck.forEach((k, i) => {
      if (result[i] === undefined) result[i] = fetched.get(k) ?? null;
    });
    return result;
  };

  const close = () => pool.end();
  return {
    get: async (key) => (await getMany([key]))[0] ?? null,
    getMany,
    invalidate: (keys) => {
      if (!keys) cache.clear();
      else for (const k of keys) cache.delete(cacheKey(normalize(k)));
    },
    stats: () => ({ ...cache.stats(), queries, rowsFetched }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
