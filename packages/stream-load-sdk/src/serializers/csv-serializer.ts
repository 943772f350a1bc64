import { InvalidOptionError } from '../errors.js';
import { compactJsonText } from './compact-json-text.js';
import { checkCsvDialect, csvNullField } from './csv-dialect.js';
import { type CsvFieldEncoder, createCsvFieldEncoder } from './csv-field-encoder.js';
import { formatDateTime } from './format-date-time.js';
import { formatNumber } from './format-number.js';
import { renderText } from './render-scalar.js';
import { normalizeRowOp } from './row-op.js';
import type { CsvSerializerOptions, DateTimeZone, Row, RowSerializer } from './row-serializer.js';
import { toHexNotation } from './separator.js';
import { describeValue, serializationFailure } from './serialization-failure.js';
import {
  checkColumns,
  checkColumnTypes,
  checkOptionKeys,
  checkTimeZone,
  checkWithOp,
  columnsHeader,
  hasInheritedNames,
  OP_COLUMN,
  ownValue,
} from './serializer-options.js';
import { parseTypeHint, type TypeHint } from './type-hint.js';

const OPTION_KEYS: readonly string[] = [
  'columns',
  'columnSeparator',
  'rowDelimiter',
  'enclose',
  'escape',
  'timeZone',
  'columnTypes',
  'withOp',
];

/** Every character that numbers, bigints, booleans and Dates can render to. */
const PLAIN_VALUE_CHARS = '0123456789-.: truefals';

type ColumnRenderer = (value: unknown, rowIndex: number) => string;

/**
 * Creates a CSV serializer for Stream Load. Each row becomes one record: the fields in `columns`
 * order (plus the operation with `withOp`) joined by the column separator. Values are rendered as
 * {@link renderScalar} describes (NULL as `\N`), then protected for CSV:
 *
 * - without `enclose`/`escape`, a value containing the separator or the delimiter is a
 *   `SerializationError` naming the row and column (never silently corrupt data as the Java
 *   connector does) — set `enclose`/`escape` or pick a separator such as `\x01`;
 * - with `enclose`, such values are enclosed (inner enclose characters doubled, or escaped when
 *   `escape` is also set); with `escape` only, separators, delimiters and escape characters inside
 *   values are escaped;
 * - the string `\N` is always a `SerializationError`: StarRocks would load it as NULL whatever the
 *   quoting (use the JSON format for such text).
 *
 * The options are validated here (`InvalidOptionError` naming the option). `properties` holds
 * `format`, `column_separator` and `row_delimiter` in hex notation, `enclose`/`escape` when set,
 * and `columns`.
 */
export function createCsvSerializer(options: CsvSerializerOptions): RowSerializer {
  const o = checkOptionKeys(options, OPTION_KEYS, 'createCsvSerializer');
  const withOp = checkWithOp(o.withOp);
  if (o.columns === undefined) {
    throw new InvalidOptionError(
      '`columns` is required: it fixes the field order of every row (the keys of a first row are too fragile)',
    );
  }
  const columns = checkColumns(o.columns, withOp);
  const timeZone = checkTimeZone(o.timeZone);
  const columnTypes = checkColumnTypes(o.columnTypes, columns);
  const dialect = checkCsvDialect(o);
  const { columnSeparator: sep, rowDelimiter: delim } = dialect;

  const nullField = csvNullField(dialect);
  const fieldCount = columns.length + (withOp ? 1 : 0);
  const checkPlain = [...PLAIN_VALUE_CHARS].some((c) => sep.includes(c) || delim.includes(c));
  const renderers: ColumnRenderer[] = columns.map((column, i) => {
    const encoder = createCsvFieldEncoder(
      dialect,
      column,
      i === fieldCount - 1 ? delim : sep,
      fieldCount === 1,
    );
    return createColumnRenderer(
      column,
      parseTypeHint(columnTypes[column]),
      timeZone,
      encoder,
      nullField,
      checkPlain,
    );
  });
  const opEncoder = checkPlain ? createCsvFieldEncoder(dialect, OP_COLUMN, delim, false) : null;
  const opField = (op: unknown, rowIndex: number): string => {
    const text = normalizeRowOp(op, rowIndex);
    return opEncoder === null ? text : opEncoder(text, rowIndex);
  };

  const properties: Record<string, string> = {
    format: 'csv',
    column_separator: toHexNotation(sep),
    row_delimiter: toHexNotation(delim),
  };
  if (dialect.enclose !== null) properties.enclose = dialect.enclose;
  if (dialect.escape !== null) properties.escape = dialect.escape;
  properties.columns = columnsHeader(columns, withOp);

  const n = columns.length;
  const first = renderers[0]!;
  const firstColumn = columns[0]!;
  const ownOnly = hasInheritedNames(columns);

  function serializeToString(row: Row, rowIndex = -1): string {
    let out: string;
    if (isArrayRow(row)) {
      if (row.length !== fieldCount) {
        throw serializationFailure(
          `an array row needs ${fieldCount} values (${n} columns${withOp ? ' and the operation' : ''}), got ${row.length}`,
          null,
          rowIndex,
        );
      }
      out = first(row[0], rowIndex);
      for (let i = 1; i < n; i++) out += sep + renderers[i]!(row[i], rowIndex);
      if (withOp) out += sep + opField(row[n], rowIndex);
    } else if (typeof row === 'object' && row !== null) {
      out = first(ownOnly ? ownValue(row, firstColumn) : row[firstColumn], rowIndex);
      for (let i = 1; i < n; i++) {
        const column = columns[i]!;
        out += sep + renderers[i]!(ownOnly ? ownValue(row, column) : row[column], rowIndex);
      }
      if (withOp) out += sep + opField(row[OP_COLUMN], rowIndex);
    } else {
      throw serializationFailure(
        `a row must be an object or an array, got ${describeValue(row)}`,
        null,
        rowIndex,
      );
    }
    return out;
  }

  return Object.freeze({
    format: 'csv' as const,
    properties: Object.freeze(properties),
    rowDelimiter: Buffer.from(delim, 'utf8'),
    serialize: (row: Row, rowIndex?: number): Buffer => Buffer.from(serializeToString(row, rowIndex), 'utf8'),
    serializeToString,
  });
}

function isArrayRow(row: Row): row is readonly unknown[] {
  return Array.isArray(row);
}

function createColumnRenderer(
  column: string,
  hint: TypeHint,
  timeZone: DateTimeZone,
  encode: CsvFieldEncoder,
  nullField: string,
  checkPlain: boolean,
): ColumnRenderer {
  const json = hint.kind === 'json';
  const dateOnly = hint.kind === 'date';
  return (value, rowIndex) => {
    if (typeof value === 'string') return encode(json ? (compactJsonText(value) ?? value) : value, rowIndex);
    if (typeof value === 'number') {
      const text = formatNumber(value, column, rowIndex);
      return checkPlain ? encode(text, rowIndex) : text;
    }
    if (value === null || value === undefined) return nullField;
    if (value instanceof Date) {
      const text = formatDateTime(value, dateOnly, timeZone, column, rowIndex);
      return checkPlain ? encode(text, rowIndex) : text;
    }
    const text = renderText(value, hint, timeZone, column, rowIndex);
    if (text === null) return nullField;
    return checkPlain || typeof value === 'object' ? encode(text, rowIndex) : text;
  };
}
