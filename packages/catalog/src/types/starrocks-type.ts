/** StarRocks types without parameters. */
export type SimpleTypeKind =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'LARGEINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DATE'
  | 'DATETIME'
  | 'JSON'
  | 'BITMAP'
  | 'HLL'
  | 'PERCENTILE';

/** A field of a STRUCT type. */
export interface StructField {
  readonly name: string;
  readonly type: StarRocksType;
}

/**
 * A StarRocks column type (spec §7.6). `STRING` is `VARCHAR(65533)` (the server prints it so);
 * `VARBINARY` without a length has `length: null`.
 */
export type StarRocksType =
  | { readonly kind: SimpleTypeKind }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'CHAR'; readonly length: number }
  | { readonly kind: 'VARCHAR'; readonly length: number }
  | { readonly kind: 'VARBINARY'; readonly length: number | null }
  | { readonly kind: 'ARRAY'; readonly element: StarRocksType }
  | { readonly kind: 'MAP'; readonly key: StarRocksType; readonly value: StarRocksType }
  | { readonly kind: 'STRUCT'; readonly fields: readonly StructField[] }
  /**
   * A type this library does not know (e.g. one added by a newer server), as `getTable` reports
   * it instead of failing the whole table: `text` is the server's `COLUMN_TYPE`. Values are not
   * checked; a table definition cannot use it.
   */
  | { readonly kind: 'OPAQUE'; readonly text: string };

/** Every `kind` a {@link StarRocksType} can have. */
export type StarRocksTypeKind = StarRocksType['kind'];

/** `STRING` is `VARCHAR` of this many bytes. */
export const STRING_LENGTH = 65_533;
/** Largest `CHAR(n)` (bytes). */
export const MAX_CHAR_LENGTH = 255;
/** Largest `VARCHAR(n)` from StarRocks 2.1 to 4.1 (bytes); 4.2 allows 2147482624. */
export const MAX_VARCHAR_LENGTH = 1_048_576;
/** The largest VARCHAR length any StarRocks version accepts (4.2+). */
export const MAX_VARCHAR_LENGTH_LIMIT = 2_147_482_624;
/** Largest DECIMAL precision of Decimal V3 (DECIMAL128). */
export const MAX_DECIMAL_PRECISION = 38;
/** Largest DECIMAL precision of DECIMAL256 (newest servers only; the emulator refuses it). */
export const MAX_DECIMAL256_PRECISION = 76;

/** Builds types tersely: `t.int()`, `t.varchar(20)`, `t.decimal(10, 2)`, `t.array(t.int())`. */
export const t = {
  boolean: (): StarRocksType => ({ kind: 'BOOLEAN' }),
  tinyint: (): StarRocksType => ({ kind: 'TINYINT' }),
  smallint: (): StarRocksType => ({ kind: 'SMALLINT' }),
  int: (): StarRocksType => ({ kind: 'INT' }),
  bigint: (): StarRocksType => ({ kind: 'BIGINT' }),
  largeint: (): StarRocksType => ({ kind: 'LARGEINT' }),
  float: (): StarRocksType => ({ kind: 'FLOAT' }),
  double: (): StarRocksType => ({ kind: 'DOUBLE' }),
  date: (): StarRocksType => ({ kind: 'DATE' }),
  datetime: (): StarRocksType => ({ kind: 'DATETIME' }),
  json: (): StarRocksType => ({ kind: 'JSON' }),
  decimal: (precision = 10, scale = 0): StarRocksType => ({ kind: 'DECIMAL', precision, scale }),
  char: (length = 1): StarRocksType => ({ kind: 'CHAR', length }),
  varchar: (length = 1): StarRocksType => ({ kind: 'VARCHAR', length }),
  string: (): StarRocksType => ({ kind: 'VARCHAR', length: STRING_LENGTH }),
  varbinary: (length: number | null = null): StarRocksType => ({ kind: 'VARBINARY', length }),
  array: (element: StarRocksType): StarRocksType => ({ kind: 'ARRAY', element }),
  map: (key: StarRocksType, value: StarRocksType): StarRocksType => ({ kind: 'MAP', key, value }),
  struct: (fields: Readonly<Record<string, StarRocksType>> | readonly StructField[]): StarRocksType => ({
    kind: 'STRUCT',
    fields: Array.isArray(fields)
      ? (fields as readonly StructField[])
      : Object.entries(fields as Record<string, StarRocksType>).map(([name, type]) => ({ name, type })),
  }),
} as const;

const INTEGER_KINDS: ReadonlySet<StarRocksTypeKind> = new Set([
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'LARGEINT',
]);

/** TINYINT, SMALLINT, INT, BIGINT or LARGEINT. */
export function isIntegerType(type: StarRocksType): boolean {
  return INTEGER_KINDS.has(type.kind);
}

/** ARRAY, MAP or STRUCT. */
export function isNestedType(type: StarRocksType): boolean {
  return type.kind === 'ARRAY' || type.kind === 'MAP' || type.kind === 'STRUCT';
}

/**
 * Whether StarRocks accepts the type for a key column (sort key of a Duplicate/Unique/Aggregate
 * table). Not FLOAT/DOUBLE, JSON, VARBINARY, nested, or the aggregate-only types. Primary Key tables
 * are stricter: see {@link isPrimaryKeyType}.
 */
export function isKeyType(type: StarRocksType): boolean {
  switch (type.kind) {
    case 'FLOAT':
    case 'DOUBLE':
    case 'JSON':
    case 'VARBINARY':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
    case 'BITMAP':
    case 'HLL':
    case 'PERCENTILE':
    case 'OPAQUE':
      return false;
    default:
      return true;
  }
}

/**
 * Whether StarRocks accepts the type for a Primary Key column: BOOLEAN, the integers, DATE,
 * DATETIME and VARCHAR/STRING (not CHAR, not DECIMAL).
 */
export function isPrimaryKeyType(type: StarRocksType): boolean {
  return isIntegerType(type) || ['BOOLEAN', 'DATE', 'DATETIME', 'VARCHAR'].includes(type.kind);
}
