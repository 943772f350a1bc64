import type { StarRocksType } from '../types/starrocks-type.js';

/** A table's key model. */
export type KeyModel = 'DUPLICATE' | 'AGGREGATE' | 'UNIQUE' | 'PRIMARY';

/** Every {@link KeyModel}. */
export const KEY_MODELS: readonly KeyModel[] = ['DUPLICATE', 'AGGREGATE', 'UNIQUE', 'PRIMARY'];

/**
 * `information_schema.tables_config.TABLE_MODEL` per key model, as StarRocks prints it
 * (`KeysType.toString()`). Reading also accepts the abbreviations `PRI_KEYS` and `UNQ_KEYS`.
 */
export const TABLE_MODEL_NAMES: Readonly<Record<KeyModel, string>> = {
  DUPLICATE: 'DUP_KEYS',
  AGGREGATE: 'AGG_KEYS',
  UNIQUE: 'UNIQUE_KEYS',
  PRIMARY: 'PRIMARY_KEYS',
};

/** Aggregate functions of AGGREGATE KEY value columns. */
export type AggregateFunction =
  | 'SUM'
  | 'MAX'
  | 'MIN'
  | 'REPLACE'
  | 'REPLACE_IF_NOT_NULL'
  | 'HLL_UNION'
  | 'BITMAP_UNION'
  | 'PERCENTILE_UNION';

/** Every {@link AggregateFunction}. */
export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = [
  'SUM',
  'MAX',
  'MIN',
  'REPLACE',
  'REPLACE_IF_NOT_NULL',
  'HLL_UNION',
  'BITMAP_UNION',
  'PERCENTILE_UNION',
];

/**
 * A column default: a literal (always written as a string literal), `CURRENT_TIMESTAMP`, or an
 * expression such as `uuid()` (written unquoted as `DEFAULT (uuid())`).
 */
export type ColumnDefault =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'current_timestamp' }
  | { readonly kind: 'expression'; readonly expression: string };

/** A column as {@link Catalog.getTable} returns it. */
export interface ColumnSchema {
  readonly name: string;
  /** The parsed type. */
  readonly type: StarRocksType;
  /** The server's `COLUMN_TYPE` text (`int(11)`, `decimal(10, 2)`, `bigint(20) unsigned`…). */
  readonly columnType: string;
  readonly nullable: boolean;
  readonly default: ColumnDefault | null;
  /** `''` when none. */
  readonly comment: string;
  /** Part of the key (`COLUMN_KEY` is PRI, UNI, DUP or AGG). */
  readonly isKey: boolean;
  /** 1-based `ORDINAL_POSITION`. */
  readonly position: number;
  /** The aggregate function of an AGGREGATE KEY value column; `null` otherwise. */
  readonly aggregate: AggregateFunction | null;
}

/** A table as {@link Catalog.getTable} returns it. Assignable to {@link TableDefinition}. */
export interface TableSchema {
  readonly database: string;
  readonly name: string;
  readonly keyModel: KeyModel;
  /** In table order, key columns first. */
  readonly columns: readonly ColumnSchema[];
  /** In key-clause order. */
  readonly keyColumns: readonly string[];
  readonly distributionType: 'HASH' | 'RANDOM';
  /** Empty for RANDOM. */
  readonly distributionKeys: readonly string[];
  /** `null` when the server chose the bucket count (automatic bucketing). */
  readonly buckets: number | null;
  /** The sort key (`ORDER BY`, or the key columns when none was given). */
  readonly sortKeys: readonly string[];
  /** `''` when none. */
  readonly comment: string;
  /** Every property the server reports (its defaults included). */
  readonly properties: Readonly<Record<string, string>>;
}

/** A column of a {@link TableDefinition}. */
export interface ColumnDefinition {
  /** Validated (spec §8) and always backquoted. */
  readonly name: string;
  /** A {@link StarRocksType} or a type string (`'DECIMAL(10,2)'`, `'ARRAY<INT>'`, `'STRING'`). */
  readonly type: StarRocksType | string;
  /**
   * Whether NULL is allowed. Default: `false` for Primary Key columns (which cannot be nullable),
   * `true` otherwise.
   */
  readonly nullable?: boolean | null;
  /**
   * A literal default (a string is shorthand for `{ kind: 'literal', value }`), `CURRENT_TIMESTAMP`,
   * or an expression (`{ kind: 'expression', expression: 'uuid()' }`: a function call without quotes).
   */
  readonly default?: ColumnDefault | string | null;
  /** Column comment. */
  readonly comment?: string;
  /** Required for AGGREGATE KEY value columns; not allowed elsewhere. */
  readonly aggregate?: AggregateFunction | null;
  /** Ignored unless given: must then agree with the table's `keyColumns` (lets a {@link ColumnSchema} pass). */
  readonly isKey?: boolean;
  /** Ignored (columns are ordered as given, key columns first); lets a {@link ColumnSchema} pass. */
  readonly position?: number;
  /** Ignored (`type` decides); lets a {@link ColumnSchema} pass. */
  readonly columnType?: string;
}

/** What {@link Catalog.createTable} creates. A {@link TableSchema} from `getTable` is one. */
export interface TableDefinition {
  readonly database: string;
  readonly name: string;
  /** At least one. Key columns are moved first, in key order; the rest keep their order. */
  readonly columns: readonly ColumnDefinition[];
  /** @default 'DUPLICATE' */
  readonly keyModel?: KeyModel;
  /** Required for PRIMARY, UNIQUE and AGGREGATE; for DUPLICATE, empty lets the server choose. */
  readonly keyColumns?: readonly string[];
  /** @default 'HASH' when there are distribution or key columns, else 'RANDOM' */
  readonly distributionType?: 'HASH' | 'RANDOM' | null;
  /** HASH columns. Default: the key columns. */
  readonly distributionKeys?: readonly string[] | null;
  /** `BUCKETS n`; default: the catalog's `table.buckets`, else the server chooses. */
  readonly buckets?: number | null;
  /** `ORDER BY (...)`, written only when it differs from the key columns. */
  readonly sortKeys?: readonly string[];
  /** Table comment. */
  readonly comment?: string;
  /** PROPERTIES, over the catalog's `table.properties`. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** A column to add. */
export interface AddColumnDefinition extends ColumnDefinition {
  /** `AFTER col`. Without `after` or `first` the column goes last (StarRocks' rule). */
  readonly after?: string;
  /** `FIRST`. */
  readonly first?: boolean;
  /** Add a key column (DUPLICATE KEY tables only). */
  readonly key?: boolean;
}

/** Case-insensitive column lookup (StarRocks column names are case-insensitive). */
export function findColumn<C extends { readonly name: string }>(
  table: { readonly columns: readonly C[] },
  name: string,
): C | undefined {
  const lower = name.toLowerCase();
  return table.columns.find((c) => c.name.toLowerCase() === lower);
}
