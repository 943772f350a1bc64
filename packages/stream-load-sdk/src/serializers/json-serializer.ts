import { formatNumber } from './format-number.js';
import { jsonString } from './json-string.js';
import { renderJsonValue } from './render-json-value.js';
import { normalizeRowOp } from './row-op.js';
import type { DateTimeZone, JsonSerializerOptions, Row, RowSerializer } from './row-serializer.js';
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

const OPTION_KEYS: readonly string[] = ['columns', 'timeZone', 'columnTypes', 'withOp'];

/** Keys remembered for rows serialized without a `columns` list (bounds memory for odd data). */
const MAX_CACHED_KEYS = 4096;

type ValueRenderer = (value: unknown, rowIndex: number) => string;

interface KeyEntry {
  /** `"key":` */
  readonly prefix: string;
  readonly render: ValueRenderer;
}

/**
 * Creates a JSON serializer for Stream Load: each row is one compact JSON object, rows are
 * separated (and ended) by `\n`, so a body is newline-delimited JSON, which StarRocks reads as a
 * stream of documents without `strip_outer_array`. Values follow `renderJsonValue`: nulls are
 * written explicitly (never dropped), numbers and in-range bigints are bare numbers with all
 * digits, Dates are DATETIME/DATE strings, nested arrays/objects/Maps are nested JSON, and valid JSON
 * text for JSON columns is embedded as JSON.
 *
 * With `columns`, object keys follow that order (missing ones are `null`, others dropped) and
 * array rows are accepted; without it each object row keeps its own keys. With `withOp` the
 * normalised operation is written last as `"__op":0|1`.
 *
 * `properties` holds `format: 'json'`, `ignore_json_size: 'true'` and `columns` when the list is known.
 */
export function createJsonSerializer(options: JsonSerializerOptions = {}): RowSerializer {
  const o = checkOptionKeys(options, OPTION_KEYS, 'createJsonSerializer');
  const withOp = checkWithOp(o.withOp);
  const columns = o.columns === undefined ? null : checkColumns(o.columns, withOp);
  const timeZone = checkTimeZone(o.timeZone);
  const columnTypes = checkColumnTypes(o.columnTypes, columns);

  const properties: Record<string, string> = { format: 'json', ignore_json_size: 'true' };
  if (columns !== null) properties.columns = columnsHeader(columns, withOp);

  const rendererFor = (column: string): ValueRenderer =>
    createValueRenderer(column, parseTypeHint(columnTypes[column]), timeZone);
  const serializeToString = columns
    ? createFixedKeySerializer(columns, rendererFor, withOp)
    : createOwnKeySerializer(rendererFor, withOp);

  return Object.freeze({
    format: 'json' as const,
    properties: Object.freeze(properties),
    rowDelimiter: Buffer.from('\n', 'utf8'),
    serialize: (row: Row, rowIndex?: number): Buffer => Buffer.from(serializeToString(row, rowIndex), 'utf8'),
    serializeToString,
  });
}

function isArrayRow(row: Row): row is readonly unknown[] {
  return Array.isArray(row);
}

function notARow(row: unknown, rowIndex: number): Error {
  return serializationFailure(
    `a row must be an object or an array, got ${describeValue(row)}`,
    null,
    rowIndex,
  );
}

function createValueRenderer(column: string, hint: TypeHint, timeZone: DateTimeZone): ValueRenderer {
  const plainStrings = hint.kind !== 'json';
  return (value, rowIndex) => {
    if (typeof value === 'string' && plainStrings) return jsonString(value);
    if (typeof value === 'number') return formatNumber(value, column, rowIndex);
    return renderJsonValue(value, hint, timeZone, column, rowIndex);
  };
}

function createFixedKeySerializer(
  columns: readonly string[],
  rendererFor: (column: string) => ValueRenderer,
  withOp: boolean,
): (row: Row, rowIndex?: number) => string {
  const n = columns.length;
  const renderers = columns.map(rendererFor);
  const prefixes = columns.map((column, i) => `${i === 0 ? '{' : ','}${JSON.stringify(column)}:`);
  const opPrefix = `,${JSON.stringify(OP_COLUMN)}:`;
  const fieldCount = n + (withOp ? 1 : 0);
  const ownOnly = hasInheritedNames(columns);
  return (row, rowIndex = -1) => {
    let out = '';
    if (isArrayRow(row)) {
      if (row.length !== fieldCount) {
        throw serializationFailure(
          `an array row needs ${fieldCount} values (${n} columns${withOp ? ' and the operation' : ''}), got ${row.length}`,
          null,
          rowIndex,
        );
      }
      for (let i = 0; i < n; i++) out += prefixes[i]! + renderers[i]!(row[i], rowIndex);
      if (withOp) out += opPrefix + normalizeRowOp(row[n], rowIndex);
    } else if (typeof row === 'object' && row !== null) {
      for (let i = 0; i < n; i++) {
        const column = columns[i]!;
        out += prefixes[i]! + renderers[i]!(ownOnly ? ownValue(row, column) : row[column], rowIndex);
      }
      if (withOp) out += opPrefix + normalizeRowOp(row[OP_COLUMN], rowIndex);
    } else {
      throw notARow(row, rowIndex);
    }
    return `${out}}`;
  };
}

function createOwnKeySerializer(
  rendererFor: (column: string) => ValueRenderer,
  withOp: boolean,
): (row: Row, rowIndex?: number) => string {
  const cache = new Map<string, KeyEntry>();
  const entryFor = (key: string): KeyEntry => {
    let entry = cache.get(key);
    if (entry === undefined) {
      entry = { prefix: `${JSON.stringify(key)}:`, render: rendererFor(key) };
      if (cache.size < MAX_CACHED_KEYS) cache.set(key, entry);
    }
    return entry;
  };
  return (row, rowIndex = -1) => {
    if (isArrayRow(row)) {
      throw serializationFailure(
        'array rows need the `columns` option (it names their values)',
        null,
        rowIndex,
      );
    }
    if (typeof row !== 'object' || row === null) throw notARow(row, rowIndex);
    let out = '{';
    for (const key of Object.keys(row)) {
      if (withOp && key === OP_COLUMN) continue;
      const entry = entryFor(key);
      out += `${out.length > 1 ? ',' : ''}${entry.prefix}${entry.render(row[key], rowIndex)}`;
    }
    if (withOp)
      out += `${out.length > 1 ? ',' : ''}"${OP_COLUMN}":${normalizeRowOp(row[OP_COLUMN], rowIndex)}`;
    return `${out}}`;
  };
}
