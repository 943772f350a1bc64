/** A decoded COM_STMT_EXECUTE parameter, ready to be turned into a SQL literal. */
export type BoundValue =
  | { kind: 'null' }
  /** A number already in SQL text form (integer, float or decimal). */
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; value: Buffer }
  /** A date, datetime or time in SQL text form, e.g. `2024-01-02 03:04:05.000006`. */
  | { kind: 'temporal'; text: string };

/** Quotes a string as a SQL literal: single quotes, with backslash and quote escaped by a backslash. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Renders a bound parameter as a SQL literal: NULL, bare numbers, quoted strings, X'hex' for bytes and
 * quoted temporal text.
 */
export function toSqlLiteral(value: BoundValue): string {
  switch (value.kind) {
    case 'null':
      return 'NULL';
    case 'number':
      return NUMBER_RE.test(value.text) ? value.text : quoteString(value.text);
    case 'string':
      return quoteString(value.value);
    case 'bytes':
      return `X'${value.value.toString('hex')}'`;
    case 'temporal':
      return `'${value.text}'`;
  }
}
