import {
  createCsvSerializer,
  createJsonSerializer,
  InvalidOptionError,
  opForRowKind,
  type RowKind,
  type RowSerializer,
} from '@srconnect/stream-load-sdk';
import type { ResolvedSinkOptions } from './options.js';

export type { RowKind };

/** Where a row goes and what it does; defaults come from the sink options. */
export interface RowMeta {
  readonly database?: string;
  readonly table?: string;
  readonly kind?: RowKind;
}

export interface EncodedTarget {
  readonly database: string;
  readonly table: string;
  readonly serializer: RowSerializer;
  readonly properties: Record<string, string>;
  readonly primaryKey: boolean;
}

/** Resolves a row's table and serializer, and its `__op` (null = drop the row). */
export class RowEncoder {
  readonly #o: ResolvedSinkOptions;
  readonly #targets = new Map<string, EncodedTarget>();

  constructor(o: ResolvedSinkOptions) {
    this.#o = o;
  }

  target(meta: RowMeta): EncodedTarget {
    const o = this.#o;
    const database = meta.database ?? o.database;
    const table = meta.table ?? o.table;
    if (!database || !table)
      throw new InvalidOptionError(
        'row has no target: pass { database, table } or set the `database` and `table` options',
      );
    const key = `${database}.${table}`;
    let t = this.#targets.get(key);
    if (t) return t;
    const cfg = o.tables[key];
    const isDefault = database === o.database && table === o.table;
    const columns = cfg?.columns ?? (isDefault ? o.columns : undefined);
    const primaryKey = cfg?.primaryKey ?? (isDefault ? o.primaryKey : false);
    if (o.format === 'csv' && !columns)
      throw new InvalidOptionError(`tables.${key}.columns: required with format csv`);
    if (primaryKey && !columns) {
      throw new InvalidOptionError(
        `tables.${key}.columns: required for a PRIMARY KEY table (the load's \`columns\` header must list __op)`,
      );
    }
    const serializer =
      o.format === 'csv'
        ? createCsvSerializer({ columns: columns!, withOp: primaryKey, timeZone: o.timeZone })
        : createJsonSerializer({ columns, withOp: primaryKey, timeZone: o.timeZone });
    t = { database, table, serializer, properties: cfg?.properties ?? {}, primaryKey };
    this.#targets.set(key, t);
    return t;
  }

  /** The row to serialize (with `__op` on PRIMARY KEY tables), or null when it is dropped. */
  value(
    t: EncodedTarget,
    row: Readonly<Record<string, unknown>>,
    kind: RowKind = 'upsert',
  ): Record<string, unknown> | null {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new InvalidOptionError(
        `rows must be objects keyed by column name, got ${Array.isArray(row) ? 'an array' : typeof row}`,
      );
    }
    const op = opForRowKind(kind, t, this.#o.ignoreUpdateBefore);
    if (op === null) return null;
    if (!t.primaryKey) return row as Record<string, unknown>;
    return { ...row, __op: op };
  }
}
