/** The rendering-relevant family of a StarRocks column type. */
export type TypeHintKind =
  | 'date'
  | 'datetime'
  | 'string'
  | 'json'
  | 'boolean'
  | 'numeric'
  | 'binary'
  | 'nested'
  | 'other'
  | 'unknown';

/** A parsed `columnTypes` entry. */
export interface TypeHint {
  readonly kind: TypeHintKind;
  /**
   * For ARRAY/MAP/STRUCT: Dates nested inside render as `YYYY-MM-DD` because the type names DATE
   * and no DATETIME (e.g. `ARRAY<DATE>`); otherwise nested Dates are DATETIME text.
   */
  readonly nestedDateOnly: boolean;
}

const KINDS: Readonly<Record<string, TypeHintKind>> = {
  DATE: 'date',
  DATETIME: 'datetime',
  TIMESTAMP: 'datetime',
  CHAR: 'string',
  VARCHAR: 'string',
  STRING: 'string',
  TEXT: 'string',
  JSON: 'json',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  TINYINT: 'numeric',
  SMALLINT: 'numeric',
  INT: 'numeric',
  INTEGER: 'numeric',
  BIGINT: 'numeric',
  LARGEINT: 'numeric',
  FLOAT: 'numeric',
  DOUBLE: 'numeric',
  REAL: 'numeric',
  DECIMAL: 'numeric',
  DECIMALV2: 'numeric',
  DECIMAL32: 'numeric',
  DECIMAL64: 'numeric',
  DECIMAL128: 'numeric',
  DECIMAL256: 'numeric',
  NUMERIC: 'numeric',
  BINARY: 'binary',
  VARBINARY: 'binary',
  ARRAY: 'nested',
  MAP: 'nested',
  STRUCT: 'nested',
  BITMAP: 'other',
  HLL: 'other',
  PERCENTILE: 'other',
  VARIANT: 'other',
};

/** The hint used for columns without a `columnTypes` entry. */
export const NO_TYPE_HINT: TypeHint = Object.freeze({ kind: 'other', nestedDateOnly: false });

const cache = new Map<string, TypeHint>();

/**
 * Classifies a StarRocks type name (`'DATE'`, `'varchar(20)'`, `'DECIMAL(38, 9)'`,
 * `'ARRAY<DATE>'`…; case-insensitive) by its leading word. Unrecognised names give kind `'unknown'`.
 */
export function parseTypeHint(typeName: string | undefined): TypeHint {
  if (typeName === undefined) return NO_TYPE_HINT;
  let hint = cache.get(typeName);
  if (hint === undefined) {
    const upper = typeName.trim().toUpperCase();
    const word = /^[A-Z0-9_]+/.exec(upper)?.[0] ?? '';
    const kind = KINDS[word] ?? 'unknown';
    const nestedDateOnly = kind === 'nested' && /\bDATE\b/.test(upper) && !/\bDATETIME\b/.test(upper);
    hint = Object.freeze({ kind, nestedDateOnly });
    if (cache.size < 1024) cache.set(typeName, hint);
  }
  return hint;
}
