/**
 * The operation of one row of a Primary Key table load (spec §3.4): `upsert`/`0` inserts or
 * replaces the row with that key, `delete`/`1` removes it. Serialized as the `__op` load column.
 */
export type RowOp = 'upsert' | 'delete' | 0 | 1;

/** A row: an object keyed by column name, or an array of values in `columns` order. */
export type Row = Readonly<Record<string, unknown>> | readonly unknown[];

/**
 * How a JS `Date` is rendered: as UTC wall time (the default) or as the process's local wall time.
 * Choose `'local'` when Dates are built from local wall-clock values (`new Date(2024, 0, 2)` is
 * 2024-01-01 16:00 UTC in a UTC+8 process, so it would load as DATE 2024-01-01 with `'utc'`).
 */
export type DateTimeZone = 'utc' | 'local';

/**
 * Turns rows into a Stream Load body, and says which load headers that body needs.
 * Created by {@link createCsvSerializer} or {@link createJsonSerializer}.
 */
export interface RowSerializer {
  readonly format: 'csv' | 'json';
  /**
   * Stream Load headers the serialized body needs, StarRocks spelling: `format`; for CSV
   * `column_separator` and `row_delimiter` (always in hex notation `\x` + uppercase hex digits of the
   * UTF-8 bytes, e.g. `\x09`, `\x0D0A`, which every server version reads), `enclose`/`escape` when
   * set; `columns` when a column list is known (backquoted names joined by `,`, plus `` `__op` ``
   * when ops are used); for JSON `ignore_json_size: 'true'` (never `strip_outer_array`: bodies are
   * newline-delimited JSON objects).
   */
  readonly properties: Readonly<Record<string, string>>;
  /** Bytes placed between rows and after the last row (CSV: the row delimiter; JSON: `\n`). */
  readonly rowDelimiter: Buffer;
  /**
   * Serializes one row as UTF-8, without the trailing delimiter. `rowIndex` only feeds error
   * messages. Throws `SerializationError` naming the row index and the column.
   */
  serialize(row: Row, rowIndex?: number): Buffer;
  /** Same as {@link RowSerializer.serialize} but returns a string (for callers that batch strings). */
  serializeToString(row: Row, rowIndex?: number): string;
}

/** Options of {@link createCsvSerializer}. */
export interface CsvSerializerOptions {
  /**
   * Column names, in load order (they become the `columns` header). Required: array rows are read
   * in this order, object rows are read by these keys (a missing key or `undefined` is NULL; keys
   * not listed are ignored).
   */
  columns: readonly string[];
  /**
   * Field separator. Any text up to 50 UTF-8 bytes, or hex notation (`\x01`, `0x01`, `\x0D0A`;
   * the prefix is case-insensitive, the bytes must be UTF-8). @default '\t'
   */
  columnSeparator?: string;
  /** Record separator; same notation as `columnSeparator`. @default '\n' */
  rowDelimiter?: string;
  /**
   * One ASCII punctuation character (e.g. `"`). Values that contain the separator, the delimiter
   * or the enclose character are wrapped in it (an inner enclose character is doubled, or escaped
   * when `escape` is set too). With `enclose` alone, StarRocks cannot read back a value that starts
   * with the enclose character or contains U+0000 (it uses byte 0 as the unset escape character):
   * such values are a `SerializationError`; set `escape` as well to allow them. Enclosing does not
   * protect the text `\N`: StarRocks reads it as NULL anyway, so it is always a `SerializationError`.
   */
  enclose?: string;
  /**
   * One ASCII punctuation character (e.g. `\`). Without `enclose`, occurrences of the separator,
   * the delimiter, the escape character and U+0000 inside values are prefixed with it; with
   * `enclose`, it escapes the enclose and escape characters inside enclosed values. StarRocks also
   * unescapes the NULL marker, so with a backslash escape NULL is written `\\N`.
   */
  escape?: string;
  /** How a JS `Date` is rendered: `'utc'` (default) or `'local'` wall time. */
  timeZone?: DateTimeZone;
  /**
   * Per-column StarRocks type names (e.g. `{ d: 'DATE', t: 'DATETIME', j: 'JSON', b: 'BOOLEAN' }`)
   * that refine rendering: a `Date` for a DATE column is `YYYY-MM-DD`; booleans for string columns
   * are `true`/`false`; JSON text for JSON columns is compacted. Optional; keys must be columns.
   */
  columnTypes?: Readonly<Record<string, string>>;
  /**
   * Rows carry an operation (object rows: key `__op`; array rows: one extra trailing value), sent
   * as a last field `0` (upsert) or `1` (delete) and listed as `__op` in the `columns` header.
   * Allowed values: `'upsert'`, `'delete'`, `0`, `1`; anything else (missing included) is a
   * `SerializationError`.
   */
  withOp?: boolean;
}

/** Options of {@link createJsonSerializer}. */
export interface JsonSerializerOptions {
  /**
   * Column names. When given: the `columns` header, the key order of every object (missing keys
   * are written as `null`, keys not listed are dropped), and the order of array rows. Without it,
   * each object row is written with its own keys (array rows are then an error).
   */
  columns?: readonly string[];
  /** How a JS `Date` is rendered: `'utc'` (default) or `'local'` wall time. */
  timeZone?: DateTimeZone;
  /** Per-column StarRocks type names that refine rendering (see {@link CsvSerializerOptions.columnTypes}). */
  columnTypes?: Readonly<Record<string, string>>;
  /**
   * Rows carry an operation (object rows: key `__op`; array rows: one extra trailing value),
   * written as `"__op":0|1` after the other keys. See {@link CsvSerializerOptions.withOp}.
   */
  withOp?: boolean;
}
