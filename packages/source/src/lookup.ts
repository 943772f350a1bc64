import {
  NotFoundError,
  parseStarRocksType,
  type StarRocksType,
  TypeParseError,
  translateDriverError,
} from '@srconnect/catalog';
import { InvalidOptionError, ProtocolError } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { z } from 'zod';
import { quoteIdentifier } from './filter.js';
import { type CacheStats, LruCache } from './lru-cache.js';
import { setOwn } from './set-own.js';
import { parseTextValue } from './text-value.js';

/** Node timers fire at once above this (2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

export const LookupOptionsSchema = z.strictObject({
  connection: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(1).max(65535).default(9030),
      user: z.string().min(1),
      password: z.string().default(''),
      connectTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS).default(10_000),
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
  queryTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS).default(30_000),
});

export type LookupOptions = Omit<z.input<typeof LookupOptionsSchema>, 'keyColumns' | 'columns'> & {
  /** The columns a key is made of, in order. */
  readonly keyColumns: readonly string[];
  /** The columns returned (default: every column). */
  readonly columns?: readonly string[];
};

/** A key: one value for a single key column, or an array (in `keyColumns` order) for a composite key. */
export type LookupKey = string | number | bigint | boolean | readonly (string | number | bigint | boolean)[];

/**
 * A row keyed by column label, with the same JS values a scan returns (see `parseTextValue`):
 * BOOLEAN → `boolean`; TINYINT/SMALLINT/INT → `number`; BIGINT → `bigint`; LARGEINT → decimal
 * `string`; FLOAT/DOUBLE → `number`; DECIMAL(p,s) → exact `string` with `s` fraction digits;
 * CHAR/VARCHAR/STRING → `string`; VARBINARY → `Buffer`; DATE → `'YYYY-MM-DD'`; DATETIME →
 * `'YYYY-MM-DD HH:MM:SS[.ffffff]'`; JSON → its text (not parsed); ARRAY → `Array`; MAP → `Map`;
 * STRUCT → plain object (fields in declared order); SQL NULL → `null`.
 */
export type LookupRow = Record<string, unknown>;

export interface LookupStats extends CacheStats {
  readonly queries: number;
  readonly rowsFetched: number;
}

/**
 * Point lookups by key over the MySQL protocol, batched and cached (LRU + TTL). The table's column
 * types are read once, on first use; a column in `keyColumns` or `columns` that the table lacks
 * fails that call with an `InvalidOptionError`, a missing table with a `NotFoundError`.
 */
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

const COLUMNS_SQL = `SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type
 FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;

interface ColumnRow {
  readonly name: string;
  readonly data_type: string;
  readonly column_type: string;
}

/** What a lookup knows about its table; read once. */
interface TableInfo {
  /** Reads a selected column's raw text, by lower-cased column name. */
  readonly readers: ReadonlyMap<string, (raw: Buffer) => unknown>;
  /** Canonical text of a key value, per key column (in `keyColumns` order), for cache keys. */
  readonly keyTexts: readonly ((value: unknown) => string)[];
}

/** The column's type, or null for one the type parser does not know (read as text). */
function columnType(r: ColumnRow): StarRocksType | null {
  const dataType = String(r.data_type).toLowerCase();
  if (dataType === 'boolean') return { kind: 'BOOLEAN' };
  if (dataType === 'bigint unsigned' || dataType === 'largeint') return { kind: 'LARGEINT' };
  try {
    return parseStarRocksType(String(r.column_type), { source: 'information_schema' });
  } catch (err) {
    if (err instanceof TypeParseError) return null;
    throw err;
  }
}

const INTEGER_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const DATE_RE = /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/;
const DATETIME_RE = /^(\d{1,4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d*))?$/;

const pad = (s: string | undefined, n: number) => (s ?? '').padStart(n, '0');

const EXPONENT_RE = /^([+-]?)(\d+)(?:\.(\d+))?e([+-]?\d+)$/i;

/** A number (or numeric text) in plain decimal notation: `1e-7` → `0.0000001`, `1.5e3` → `1500`. */
function plainNumber(v: unknown): string {
  const s = String(v).trim();
  const m = EXPONENT_RE.exec(s);
  if (!m) return s;
  const digits = `${m[2]}${m[3] ?? ''}`;
  const point = (m[2] as string).length + Number(m[4]);
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${m[1] === '-' ? '-' : ''}${body}`;
}

/**
 * One text per key value, the same for a key as given (`1`, `1n`, `'1'`, `true`, `'12.5'`) and as
 * the server prints it (`1`, `12.50`), so fetched rows land on the cache keys they were asked for.
 */
function keyText(type: StarRocksType | null): (value: unknown) => string {
  switch (type?.kind) {
    case 'BOOLEAN':
      return (v) =>
        v === true || v === 1 || v === '1' || v === 'true'
          ? '1'
          : v === false || v === 0 || v === '0' || v === 'false'
            ? '0'
            : String(v);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'LARGEINT':
      return (v) => {
        const s = plainNumber(v);
        return INTEGER_RE.test(s) ? BigInt(s).toString() : s;
      };
    case 'DECIMAL':
      return (v) => {
        const s = plainNumber(v);
        const m = DECIMAL_RE.exec(s);
        if (!m || (m[2] === '' && (m[3] ?? '') === '')) return s;
        const int = m[2]!.replace(/^0+/, '') || '0';
        const frac = (m[3] ?? '').replace(/0+$/, '');
        const body = frac === '' ? int : `${int}.${frac}`;
        return m[1] === '-' && body !== '0' ? `-${body}` : body;
      };
    case 'DATE':
      return (v) => {
        const s = String(v).trim();
        const m = DATE_RE.exec(s);
        return m ? `${pad(m[1], 4)}-${pad(m[2], 2)}-${pad(m[3], 2)}` : s;
      };
    case 'DATETIME':
      return (v) => {
        const s = String(v).trim();
        const m = DATETIME_RE.exec(s);
        if (!m) return s;
        const frac = (m[7] ?? '').replace(/0+$/, '');
        const time = `${pad(m[4], 2)}:${pad(m[5], 2)}:${pad(m[6], 2)}`;
        return `${pad(m[1], 4)}-${pad(m[2], 2)}-${pad(m[3], 2)} ${time}${frac === '' ? '' : `.${frac}`}`;
      };
    default:
      return (v) => String(v);
  }
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
  });
  const cache = new LruCache<string, LookupRow | null>(o.cache.maxRows, o.cache.ttlMs);
  const where = `${o.database}.${o.table}`;
  const table = `${quoteIdentifier(o.database, 'database')}.${quoteIdentifier(o.table, 'table')}`;
  const select = o.columns ? o.columns.map((c) => quoteIdentifier(c)).join(', ') : '*';
  const keyCols = o.keyColumns.map((c) => quoteIdentifier(c));
  let queries = 0;
  let rowsFetched = 0;
  let invalidations = 0;

  const run = async <T>(sql: string, values: unknown[], raw: boolean): Promise<T[]> => {
    try {
      const [rows] = await pool.query({
        sql,
        values,
        timeout: o.queryTimeoutMs,
        // every field as its raw text; parseTextValue reads it by the column's type
        ...(raw ? { typeCast: (field: { buffer(): Buffer | null }) => field.buffer() } : {}),
      });
      return rows as T[];
    } catch (err) {
      throw translateDriverError(err, sql, {
        host: o.connection.host,
        port: o.connection.port,
        user: o.connection.user,
        password: o.connection.password,
        connectTimeoutMs: o.connection.connectTimeoutMs,
      });
    }
  };

  const readTableInfo = async (): Promise<TableInfo> => {
    const rows = await run<ColumnRow>(COLUMNS_SQL, [o.database, o.table], false);
    if (rows.length === 0)
      throw new NotFoundError(`Table ${where} does not exist`, 'table', {
        database: o.database,
        table: o.table,
      });
    const byName = new Map(rows.map((r) => [String(r.name).toLowerCase(), r]));
    const column = (name: string, option: string): ColumnRow => {
      const r = byName.get(name.toLowerCase());
      if (r === undefined)
        throw new InvalidOptionError(
          `${option}: table ${where} has no column ${JSON.stringify(name)} (columns: ${rows.map((c) => c.name).join(', ')})`,
        );
      return r;
    };
    const keyTexts = o.keyColumns.map((c) => keyText(columnType(column(c, 'keyColumns'))));
    const selected = o.columns ? o.columns.map((c) => column(c, 'columns')) : rows;
    const readers = new Map(
      selected.map((r): [string, (raw: Buffer) => unknown] => {
        const type = columnType(r);
        const read = (raw: Buffer): unknown => {
          if (type === null) return raw.toString('utf8');
          try {
            return parseTextValue(raw, type);
          } catch (err) {
            if (!(err instanceof ProtocolError)) throw err;
            throw new ProtocolError(`column ${r.name} of ${where}: ${err.message}`, err.body);
          }
        };
        return [String(r.name).toLowerCase(), read];
      }),
    );
    return { readers, keyTexts };
  };

  let info: TableInfo | null = null;
  let loading: Promise<TableInfo> | null = null;
  /** The table info, read on first use (once; a failed read is retried by the next call). */
  const tableInfo = (): Promise<TableInfo> => {
    if (info !== null) return Promise.resolve(info);
    loading ??= readTableInfo().then(
      (i) => {
        info = i;
        return i;
      },
      (err: unknown) => {
        loading = null;
        throw err;
      },
    );
    return loading;
  };

  const normalize = (key: LookupKey): unknown[] => {
    const parts = Array.isArray(key) ? (key as unknown[]) : [key];
    if (parts.length !== o.keyColumns.length) {
      throw new InvalidOptionError(
        `a key needs ${o.keyColumns.length} value(s) (${o.keyColumns.join(', ')}), got ${parts.length}`,
      );
    }
    return parts.map((p) => (typeof p === 'bigint' ? p.toString() : p));
  };
  const cacheKey = (t: TableInfo, parts: readonly unknown[]) =>
    JSON.stringify(parts.map((p, i) => (p === null || p === undefined ? null : t.keyTexts[i]!(p))));

  const fetchBatch = async (t: TableInfo, batch: unknown[][]): Promise<Map<string, LookupRow>> => {
    let cond: string;
    const params: unknown[] = [];
    if (keyCols.length === 1) {
      cond = `${keyCols[0]} IN (${batch.map(() => '?').join(', ')})`;
      for (const k of batch) params.push(k[0]);
    } else {
      cond = batch.map(() => `(${keyCols.map((c) => `${c} = ?`).join(' AND ')})`).join(' OR ');
      for (const k of batch) params.push(...k);
    }
    const sql = `SELECT ${select}, ${keyCols.map((c, i) => `${c} AS \`__k${i}\``).join(', ')} FROM ${table} WHERE ${cond}`;
    queries++;
    const rows = await run<Record<string, Buffer | null>>(sql, params, true);
    rowsFetched += rows.length;
    const out = new Map<string, LookupRow>();
    for (const r of rows) {
      const parts = o.keyColumns.map((_, i) => r[`__k${i}`]?.toString('utf8') ?? null);
      const row: LookupRow = {};
      for (const [label, raw] of Object.entries(r)) {
        if (/^__k\d+$/.test(label)) continue;
        const read = t.readers.get(label.toLowerCase());
        setOwn(row, label, raw === null ? null : read ? read(raw) : raw.toString('utf8'));
      }
      out.set(cacheKey(t, parts), row);
    }
    return out;
  };

  const getMany = async (keys: readonly LookupKey[]): Promise<(LookupRow | null)[]> => {
    const generation = invalidations;
    const normalized = keys.map(normalize);
    const t = await tableInfo();
    const ck = normalized.map((parts) => cacheKey(t, parts));
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
      const found = await fetchBatch(
        t,
        batch.map(([, parts]) => parts),
      );
      // a row whose key text matches no key asked for means a key was written in a form we do not
      // canonicalize: then a miss in this batch is not proof of absence, so it is not remembered
      const requested = new Set(batch.map(([k]) => k));
      const trustMisses = [...found.keys()].every((k) => requested.has(k));
      for (const [k] of batch) {
        const row = found.get(k) ?? null;
        // an invalidate() after this call began wins over what its queries read
        if (generation === invalidations && (row !== null || (o.cache.cacheMissing && trustMisses))) {
          cache.set(k, row);
        }
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
      invalidations++;
      if (!keys) cache.clear();
      else {
        const all = keys.map(normalize);
        // nothing is cached before the table info is read
        if (info !== null) for (const parts of all) cache.delete(cacheKey(info, parts));
      }
    },
    stats: () => ({ ...cache.stats(), queries, rowsFetched }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
