/** StarRocks column types → Arrow types and scanner type ids (spec §6.2 `convert_to_arrow_type`). */
import {
  Binary,
  Bool,
  type DataType,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  Struct,
  Utf8,
} from 'apache-arrow';
import type { ColumnType } from '../catalog/column-type.js';
import { q } from '../storage/store.js';
import { TPrimitiveType } from './scan-thrift.js';

/** The Arrow type of a StarRocks column type (spec §6.2 table). */
export function arrowType(t: ColumnType): DataType {
  switch (t.kind) {
    case 'BOOLEAN':
      return new Bool();
    case 'TINYINT':
      return new Int8();
    case 'SMALLINT':
      return new Int16();
    case 'INT':
      return new Int32();
    case 'BIGINT':
      return new Int64();
    case 'FLOAT':
      return new Float32();
    case 'DOUBLE':
      return new Float64();
    case 'DECIMAL':
      return new Decimal(t.scale, t.precision, 128);
    case 'VARBINARY':
      return new Binary();
    case 'LARGEINT':
    case 'DATE':
    case 'DATETIME':
    case 'CHAR':
    case 'VARCHAR':
    case 'JSON':
      return new Utf8();
    case 'ARRAY':
      return new List(new Field('item', arrowType(t.element), true));
    case 'MAP':
      return new Map_(
        new Field(
          'entries',
          new Struct([
            new Field('key', arrowType(t.key), false),
            new Field('value', arrowType(t.value), true),
          ]),
          false,
        ) as never,
        false,
      );
    case 'STRUCT':
      return new Struct(t.fields.map((f) => new Field(f.name, arrowType(f.type), true)));
  }
}

/** `TScanColumnDesc.type`: the BE's `to_thrift(LogicalType)`; ARRAY/MAP/STRUCT are INVALID_TYPE there. */
export function thriftTypeOf(t: ColumnType): number {
  switch (t.kind) {
    case 'DECIMAL':
      return t.precision <= 9
        ? TPrimitiveType.DECIMAL32
        : t.precision <= 18
          ? TPrimitiveType.DECIMAL64
          : TPrimitiveType.DECIMAL128;
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return TPrimitiveType.INVALID_TYPE;
    default:
      return TPrimitiveType[t.kind];
  }
}

/** The DuckDB expression the scanner selects for a stored column, in the form its reader expects. */
export function scanSelectSql(t: ColumnType, storageName: string): string {
  const ref = q(storageName);
  switch (t.kind) {
    case 'CHAR':
    case 'VARCHAR':
      // the UTF-8 bytes as they are: no decoding and re-encoding on the way to Arrow
      return `encode(${ref})`;
    case 'DECIMAL':
      return `CAST(${ref} AS DECIMAL(38,${t.scale}))`;
    default:
      return ref;
  }
}
