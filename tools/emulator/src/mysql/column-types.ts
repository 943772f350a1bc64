/**
 * MySQL column type codes as sent in column definitions and binary protocol parameter types
 * (`enum_field_types` in the MySQL source).
 */
export const MysqlType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
} as const;

/** One of the {@link MysqlType} codes. */
export type MysqlTypeCode = (typeof MysqlType)[keyof typeof MysqlType];

/** Describes one column of a result set. Only `name` and `type` are required; the rest have MySQL-like defaults. */
export interface ResultColumn {
  /** Column name (alias) as shown to the client. */
  name: string;
  /** Column type; decides how mysql2 and other clients decode the value. */
  type: MysqlTypeCode;
  /** Table alias the column comes from (default empty). */
  table?: string;
  /** Database the column comes from (default empty). */
  schema?: string;
  /** Original column name (default `name`). */
  orgName?: string;
  /** Original table name (default `table`). */
  orgTable?: string;
  /** Maximum display length (default depends on the type). */
  length?: number;
  /** Number of decimals (default depends on the type: 31 for FLOAT/DOUBLE, else 0). */
  decimals?: number;
  /** Raw column flags, OR-ed with the flags derived from `unsigned`, `notNull` and `binary`. */
  flags?: number;
  /** Sets UNSIGNED_FLAG; also decides how binary integers are read by clients. */
  unsigned?: boolean;
  /** Sets NOT_NULL_FLAG. */
  notNull?: boolean;
  /** Marks a string column as binary (charset 63, BINARY_FLAG), so mysql2 returns Buffers for it. */
  binary?: boolean;
}
