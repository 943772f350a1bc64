import type { ColumnType } from './column-type.js';

/** Key models (the `TABLE_MODEL` names of `information_schema.tables_config`). */
export type KeysType = 'DUP_KEYS' | 'PRIMARY_KEYS' | 'UNIQUE_KEYS';

export const KEY_CLAUSE: Record<KeysType, string> = {
  DUP_KEYS: 'DUPLICATE KEY',
  PRIMARY_KEYS: 'PRIMARY KEY',
  UNIQUE_KEYS: 'UNIQUE KEY',
};

/** A default value as declared: a literal, or `CURRENT_TIMESTAMP`. */
export type ColumnDefault =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'current_timestamp' };

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default: ColumnDefault | null;
  readonly comment: string;
  readonly isKey: boolean;
  readonly autoIncrement: boolean;
  /** Stable storage column name in DuckDB (`c<N>`), unchanged by RENAME COLUMN. */
  readonly storageName: string;
}

export interface DistributionSchema {
  readonly type: 'HASH' | 'RANDOM';
  readonly columns: readonly string[];
  /** `null` when BUCKETS was not given (auto bucketing). */
  readonly buckets: number | null;
}

export interface TableSchema {
  readonly id: number;
  readonly database: string;
  readonly name: string;
  readonly columns: readonly ColumnSchema[];
  readonly keysType: KeysType;
  readonly keys: readonly string[];
  readonly comment: string;
  readonly distribution: DistributionSchema;
  readonly orderBy: readonly string[] | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly createTime: number;
  /** Next storage column number. */
  readonly nextColumnId: number;
  readonly schemaVersion: number;
}

/** Case-insensitive column lookup (StarRocks column names are case-insensitive). */
export function findColumn(table: TableSchema, name: string): ColumnSchema | undefined {
  const lower = name.toLowerCase();
  return table.columns.find((c) => c.name.toLowerCase() === lower);
}

export function storageTableName(table: Pick<TableSchema, 'id'>): string {
  return `t_${table.id}`;
}
