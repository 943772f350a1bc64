import type { ResultColumn } from './column-types.js';

/**
 * What a `query` handler returns for one statement: an OK (no result set) or a result set whose values
 * are in MySQL TEXT form (e.g. `'42'`, `'1.50'`, `'2024-01-02 03:04:05.000006'`), `null` being SQL NULL.
 * A Buffer is sent as its raw bytes (VARBINARY), in both the text and the binary protocol.
 */
export type QueryResult =
  | { kind: 'ok'; affectedRows?: number; insertId?: number; info?: string; warnings?: number }
  | { kind: 'rows'; columns: ResultColumn[]; rows: (string | Buffer | null)[][] };
