import { quoteIdentifier, validateFieldName } from '../ddl/identifier.js';
import type { StarRocksType } from './starrocks-type.js';

/**
 * Prints a type in StarRocks DDL form: `INT`, `DECIMAL(10,2)`, `VARCHAR(65533)` (for STRING),
 * `VARBINARY(16)`, `ARRAY<INT>`, `MAP<VARCHAR(10),INT>`, ``STRUCT<`a` INT, `b` VARCHAR(10)>``.
 * Struct field names are always backquoted (and validated), so the output is safe to splice into
 * DDL. `parseStarRocksType(formatStarRocksType(t))` gives back `t`.
 */
export function formatStarRocksType(type: StarRocksType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'CHAR':
    case 'VARCHAR':
      return `${type.kind}(${type.length})`;
    case 'VARBINARY':
      return type.length === null ? 'VARBINARY' : `VARBINARY(${type.length})`;
    case 'ARRAY':
      return `ARRAY<${formatStarRocksType(type.element)}>`;
    case 'MAP':
      return `MAP<${formatStarRocksType(type.key)},${formatStarRocksType(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields
        .map((f) => `${quoteIdentifier(validateFieldName(f.name))} ${formatStarRocksType(f.type)}`)
        .join(', ')}>`;
    case 'OPAQUE':
      return type.text;
    default:
      return type.kind;
  }
}

/** Whether two types are the same (STRING and VARCHAR(65533) are). */
export function sameStarRocksType(a: StarRocksType, b: StarRocksType): boolean {
  return formatStarRocksType(a) === formatStarRocksType(b);
}
