import { SerializationError } from '../errors.js';

/**
 * Builds the `SerializationError` for one value. The message starts with where it happened
 * (`row 12, column \`price\``; the row only when known, i.e. `rowIndex >= 0`) and then says why.
 */
export function serializationFailure(
  reason: string,
  column: string | null,
  rowIndex: number,
): SerializationError {
  const row = rowIndex >= 0 ? rowIndex : null;
  let where: string;
  if (row !== null && column !== null) where = `row ${row}, column \`${column}\``;
  else if (column !== null) where = `column \`${column}\``;
  else if (row !== null) where = `row ${row}`;
  else where = 'a row';
  return new SerializationError(`Cannot serialize ${where}: ${reason}`, column, row);
}

/** The reason given for Buffer, typed-array and ArrayBuffer values. */
export const BINARY_NOT_SUPPORTED =
  'binary values (Buffer, typed arrays, ArrayBuffer) are not supported: Stream Load CSV and JSON are text ' +
  'formats and cannot carry raw bytes. Encode them as hex or base64 text (and decode them on the server, ' +
  'e.g. in a `columns` expression), or load them into a string column';

/** True for Buffer, any typed array or DataView, ArrayBuffer and SharedArrayBuffer. */
export function isBinary(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer;
}

/** A short description of an unexpected value for error messages (never the whole value). */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'object':
      return value === null ? 'null' : `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
    default:
      return `a ${typeof value}`;
  }
}
