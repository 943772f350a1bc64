import { formatStarRocksType } from './format-type.js';
import type { StarRocksType } from './starrocks-type.js';

/** A JS value form accepted for a StarRocks column. */
export type JsValueForm =
  | 'boolean'
  | 'number'
  | 'bigint'
  | 'string'
  | 'Date'
  | 'Uint8Array'
  | 'Array'
  | 'Map'
  | 'object'
  | 'json'
  | 'unknown';

/** What JS values a StarRocks type takes (and `toZodSchema` accepts). */
export interface JsValueMapping {
  /** Accepted forms; the first is the canonical one. */
  readonly forms: readonly JsValueForm[];
  /** One line for docs and messages. */
  readonly description: string;
}

/** Integer bounds per type (inclusive). LARGEINT follows spec §7.6: ±(2^127 − 1). */
export const INTEGER_RANGES = {
  TINYINT: [-(2n ** 7n), 2n ** 7n - 1n],
  SMALLINT: [-(2n ** 15n), 2n ** 15n - 1n],
  INT: [-(2n ** 31n), 2n ** 31n - 1n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
  LARGEINT: [-(2n ** 127n - 1n), 2n ** 127n - 1n],
} as const satisfies Record<string, readonly [bigint, bigint]>;

/** Largest finite FLOAT (single precision). */
export const FLOAT_MAX = 3.4028234663852886e38;

/**
 * The JS values a StarRocks type maps to — what `toZodSchema` accepts for it and what the SDK's
 * serializers render correctly:
 *
 * | StarRocks | JS |
 * |---|---|
 * | BOOLEAN | `boolean` (or `0`/`1`) |
 * | TINYINT, SMALLINT, INT | `number` (integer; also `bigint` or an integer string) |
 * | BIGINT | `bigint`, a safe-integer `number`, or an integer string |
 * | LARGEINT | `bigint` or an integer string (or a safe-integer `number`) |
 * | FLOAT, DOUBLE | `number` (finite; or a numeric string) |
 * | DECIMAL(p,s) | `string` (exact decimal text), `number`, or `bigint` |
 * | CHAR, VARCHAR, STRING | `string` |
 * | VARBINARY | `Uint8Array`/`Buffer` or `string` |
 * | DATE | `'YYYY-MM-DD'` or `Date` |
 * | DATETIME | `'YYYY-MM-DD HH:MM:SS[.ffffff]'` or `Date` |
 * | JSON | a JSON value (object, array, number, boolean, string, null) or JSON text |
 * | ARRAY<T> | `Array` of T (elements may be null) |
 * | MAP<K,V> | `Map` or plain object |
 * | STRUCT<…> | plain object with the field names |
 * | BITMAP, HLL, PERCENTILE | not checked (loaded through `columns` functions) |
 */
export function jsValueMapping(type: StarRocksType): JsValueMapping {
  switch (type.kind) {
    case 'BOOLEAN':
      return { forms: ['boolean', 'number'], description: 'a boolean (or 0/1)' };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT': {
      const [lo, hi] = INTEGER_RANGES[type.kind];
      return {
        forms: ['number', 'bigint', 'string'],
        description: `an integer in [${lo}, ${hi}] (number, bigint or integer string)`,
      };
    }
    case 'BIGINT':
      return {
        forms: ['bigint', 'number', 'string'],
        description: `an integer in [${INTEGER_RANGES.BIGINT[0]}, ${INTEGER_RANGES.BIGINT[1]}] (bigint, safe-integer number or integer string)`,
      };
    case 'LARGEINT':
      return {
        forms: ['bigint', 'string', 'number'],
        description: 'an integer in ±(2^127 − 1) (bigint, integer string or safe-integer number)',
      };
    case 'FLOAT':
    case 'DOUBLE':
      return { forms: ['number', 'string'], description: `a finite ${type.kind} (number or numeric string)` };
    case 'DECIMAL':
      return {
        forms: ['string', 'number', 'bigint'],
        description: `a decimal with at most ${type.precision - type.scale} integer and ${type.scale} fraction digits (decimal string, number or bigint)`,
      };
    case 'CHAR':
    case 'VARCHAR':
      return { forms: ['string'], description: `a string of at most ${type.length} UTF-8 bytes` };
    case 'VARBINARY':
      return {
        forms: ['Uint8Array', 'string'],
        description:
          type.length === null
            ? 'bytes (Uint8Array or string)'
            : `at most ${type.length} bytes (Uint8Array or string)`,
      };
    case 'DATE':
      return { forms: ['string', 'Date'], description: "a date 'YYYY-MM-DD' (string or Date)" };
    case 'DATETIME':
      return {
        forms: ['string', 'Date'],
        description: "a datetime 'YYYY-MM-DD HH:MM:SS[.ffffff]' (string or Date)",
      };
    case 'JSON':
      return { forms: ['json', 'string'], description: 'a JSON value or JSON text' };
    case 'ARRAY':
      return { forms: ['Array'], description: `an array (${formatStarRocksType(type)})` };
    case 'MAP':
      return {
        forms: ['Map', 'object'],
        description: `a Map or plain object (${formatStarRocksType(type)})`,
      };
    case 'STRUCT':
      return { forms: ['object'], description: `a plain object (${formatStarRocksType(type)})` };
    default:
      return { forms: ['unknown'], description: `anything (${type.kind} values are not checked)` };
  }
}
