import { SqlSyntaxError, TokenStream } from '../sql/lexer.js';

/** Scalar StarRocks types without parameters. */
export type SimpleKind =
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
  | 'JSON';

/** A StarRocks column type as the emulator models it (spec §7.6). STRING is VARCHAR(65533). */
export type ColumnType =
  | { readonly kind: SimpleKind }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'CHAR' | 'VARCHAR' | 'VARBINARY'; readonly length: number }
  | { readonly kind: 'ARRAY'; readonly element: ColumnType }
  | { readonly kind: 'MAP'; readonly key: ColumnType; readonly value: ColumnType }
  | {
      readonly kind: 'STRUCT';
      readonly fields: readonly { readonly name: string; readonly type: ColumnType }[];
    };

export const MAX_VARCHAR_LENGTH = 1_048_576;
export const STRING_LENGTH = 65_533;

const SIMPLE: Record<string, SimpleKind> = {
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  LARGEINT: 'LARGEINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  JSON: 'JSON',
};

const UNSUPPORTED = new Set(['BITMAP', 'HLL', 'PERCENTILE', 'VARIANT', 'TIME', 'TIMESTAMP', 'DECIMALV2']);

/** Parses a type from a token stream (used by CREATE TABLE / ALTER TABLE). */
export function parseColumnTypeFrom(ts: TokenStream): ColumnType {
  const word = ts.identifier('a column type').toUpperCase();
  const simple = SIMPLE[word];
  if (simple) {
    // display widths such as int(11) or tinyint(1) are accepted and ignored
    if (ts.isOp('(') && simple !== 'DATE' && simple !== 'JSON') {
      ts.next();
      ts.integer('a display width');
      ts.expectOp(')');
    }
    if (ts.isKeyword('UNSIGNED') || ts.isKeyword('SIGNED')) ts.next();
    return { kind: simple };
  }
  switch (word) {
    case 'DECIMAL':
    case 'DECIMAL32':
    case 'DECIMAL64':
    case 'DECIMAL128':
    case 'NUMERIC': {
      let precision = 10;
      let scale = 0;
      if (ts.acceptOp('(')) {
        precision = ts.integer('a decimal precision');
        if (ts.acceptOp(',')) scale = ts.integer('a decimal scale');
        ts.expectOp(')');
      }
      if (precision < 1 || precision > 38) {
        throw new SqlSyntaxError(`DECIMAL's precision should in range [1, 38], but got ${precision}`);
      }
      if (scale < 0 || scale > precision) {
        throw new SqlSyntaxError(`DECIMAL(P[,S]) type P must be greater than or equal to the value of S`);
      }
      return { kind: 'DECIMAL', precision, scale };
    }
    case 'CHAR':
    case 'VARCHAR':
    case 'VARBINARY':
    case 'BINARY': {
      const kind = word === 'BINARY' ? 'VARBINARY' : (word as 'CHAR' | 'VARCHAR' | 'VARBINARY');
      let length = kind === 'CHAR' ? 1 : kind === 'VARCHAR' ? 1 : STRING_LENGTH;
      if (ts.acceptOp('(')) {
        length = ts.integer('a length');
        ts.expectOp(')');
      }
      const max = kind === 'CHAR' ? 255 : MAX_VARCHAR_LENGTH;
      if (length < 1 || length > max) {
        throw new SqlSyntaxError(`${kind} size must be between 1 and ${max}, but got ${length}`);
      }
      return { kind, length };
    }
    case 'STRING':
    case 'TEXT':
      return { kind: 'VARCHAR', length: STRING_LENGTH };
    case 'ARRAY': {
      ts.expectOp('<');
      const element = parseColumnTypeFrom(ts);
      closeAngle(ts);
      return { kind: 'ARRAY', element };
    }
    case 'MAP': {
      ts.expectOp('<');
      const key = parseColumnTypeFrom(ts);
      ts.expectOp(',');
      const value = parseColumnTypeFrom(ts);
      closeAngle(ts);
      return { kind: 'MAP', key, value };
    }
    case 'STRUCT': {
      ts.expectOp('<');
      const fields: { name: string; type: ColumnType }[] = [];
      do {
        const name = ts.identifier('a struct field name');
        ts.acceptOp(':');
        fields.push({ name, type: parseColumnTypeFrom(ts) });
      } while (ts.acceptOp(','));
      closeAngle(ts);
      return { kind: 'STRUCT', fields };
    }
    default:
      if (UNSUPPORTED.has(word)) throw new SqlSyntaxError(`type ${word} is not supported by the emulator`);
      throw new SqlSyntaxError(`Unknown type: ${word}`);
  }
}

// `>>` is lexed as two '>' tokens already, so closing nested types needs nothing special.
function closeAngle(ts: TokenStream): void {
  ts.expectOp('>');
}

/** Parses a standalone type string such as `ARRAY<DECIMAL(10, 2)>`. */
export function parseColumnType(text: string): ColumnType {
  const ts = TokenStream.of(text);
  const t = parseColumnTypeFrom(ts);
  ts.expectEnd();
  return t;
}

/** The type as SHOW CREATE TABLE prints it (`int(11)`, `decimal(18, 2)`, `array<varchar(10)>`). */
export function typeToSql(t: ColumnType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'TINYINT':
      return 'tinyint(4)';
    case 'SMALLINT':
      return 'smallint(6)';
    case 'INT':
      return 'int(11)';
    case 'BIGINT':
      return 'bigint(20)';
    case 'LARGEINT':
      return 'largeint(40)';
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
    case 'DATETIME':
    case 'JSON':
      return t.kind.toLowerCase();
    case 'DECIMAL':
      return `decimal(${t.precision}, ${t.scale})`;
    case 'CHAR':
    case 'VARCHAR':
    case 'VARBINARY':
      return `${t.kind.toLowerCase()}(${t.length})`;
    case 'ARRAY':
      return `array<${typeToSql(t.element)}>`;
    case 'MAP':
      return `map<${typeToSql(t.key)},${typeToSql(t.value)}>`;
    case 'STRUCT':
      return `struct<${t.fields.map((f) => `${f.name} ${typeToSql(f.type)}`).join(', ')}>`;
  }
}

/** `information_schema.columns.COLUMN_TYPE` (spec §7.2). */
export function mysqlColumnType(t: ColumnType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'tinyint(1)';
    case 'LARGEINT':
      return 'bigint(20) unsigned';
    // nested types print their toSql form (spec §7.2: `array<T-sql>`)
    default:
      return typeToSql(t);
  }
}

/** `information_schema.columns.DATA_TYPE` (spec §7.2). */
export function mysqlDataType(t: ColumnType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'tinyint';
    case 'LARGEINT':
      return 'bigint unsigned';
    case 'INT':
      return 'int';
    default:
      return t.kind.toLowerCase();
  }
}

/** The DuckDB type that stores the column. Nested types and JSON are stored as canonical JSON text. */
export function duckdbType(t: ColumnType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TINYINT':
      return 'TINYINT';
    case 'SMALLINT':
      return 'SMALLINT';
    case 'INT':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'LARGEINT':
      return 'HUGEINT';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'DATE':
      return 'DATE';
    case 'DATETIME':
      return 'TIMESTAMP';
    case 'DECIMAL':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'VARBINARY':
      return 'BLOB';
    default:
      return 'VARCHAR';
  }
}

export function isNumericType(t: ColumnType): boolean {
  return [
    'TINYINT',
    'SMALLINT',
    'INT',
    'BIGINT',
    'LARGEINT',
    'FLOAT',
    'DOUBLE',
    'DECIMAL',
    'BOOLEAN',
  ].includes(t.kind);
}

export function isStringType(t: ColumnType): boolean {
  return t.kind === 'CHAR' || t.kind === 'VARCHAR';
}

export function sameType(a: ColumnType, b: ColumnType): boolean {
  return typeToSql(a) === typeToSql(b);
}
