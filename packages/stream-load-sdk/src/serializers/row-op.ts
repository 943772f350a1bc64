import { describeValue, serializationFailure } from './serialization-failure.js';
import { OP_COLUMN } from './serializer-options.js';

/**
 * Normalises a row operation to the `__op` value StarRocks expects: `'upsert'` and `0` → `'0'`,
 * `'delete'` and `1` → `'1'`. Anything else (a missing value included) is a `SerializationError`
 * naming the row and the `__op` column.
 */
export function normalizeRowOp(op: unknown, rowIndex: number): '0' | '1' {
  if (op === 'upsert' || op === 0) return '0';
  if (op === 'delete' || op === 1) return '1';
  throw serializationFailure(
    `the operation must be 'upsert', 'delete', 0 or 1, got ${describeValue(op)}`,
    OP_COLUMN,
    rowIndex,
  );
}
