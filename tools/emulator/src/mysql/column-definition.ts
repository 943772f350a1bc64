import { MysqlType, type MysqlTypeCode, type ResultColumn } from './column-types.js';
import type { PacketWriter } from './packet-writer.js';
import { Charset, ColumnFlag } from './protocol-constants.js';

const NUMERIC_TYPES: ReadonlySet<number> = new Set([
  MysqlType.DECIMAL,
  MysqlType.TINY,
  MysqlType.SHORT,
  MysqlType.LONG,
  MysqlType.FLOAT,
  MysqlType.DOUBLE,
  MysqlType.LONGLONG,
  MysqlType.INT24,
  MysqlType.YEAR,
  MysqlType.NEWDECIMAL,
]);

const TEMPORAL_TYPES: ReadonlySet<number> = new Set([
  MysqlType.TIMESTAMP,
  MysqlType.DATE,
  MysqlType.TIME,
  MysqlType.DATETIME,
]);

const DEFAULT_LENGTH: Partial<Record<MysqlTypeCode, number>> = {
  [MysqlType.DECIMAL]: 65,
  [MysqlType.NEWDECIMAL]: 65,
  [MysqlType.TINY]: 4,
  [MysqlType.SHORT]: 6,
  [MysqlType.INT24]: 9,
  [MysqlType.LONG]: 11,
  [MysqlType.LONGLONG]: 20,
  [MysqlType.FLOAT]: 12,
  [MysqlType.DOUBLE]: 22,
  [MysqlType.NULL]: 0,
  [MysqlType.DATE]: 10,
  [MysqlType.TIME]: 17,
  [MysqlType.DATETIME]: 26,
  [MysqlType.TIMESTAMP]: 26,
  [MysqlType.YEAR]: 4,
  [MysqlType.BIT]: 1,
  [MysqlType.JSON]: 0xffffffff,
};

/** The column definition values actually sent, with defaults applied. */
export interface ColumnWireInfo {
  charset: number;
  length: number;
  flags: number;
  decimals: number;
}

/** Applies MySQL-like defaults (charset, display length, flags, decimals) to a {@link ResultColumn}. */
export function columnWireInfo(column: ResultColumn): ColumnWireInfo {
  const type = column.type;
  const numeric = NUMERIC_TYPES.has(type);
  const binaryCharset =
    numeric || TEMPORAL_TYPES.has(type) || type === MysqlType.BIT || column.binary === true;
  let flags = column.flags ?? 0;
  if (column.unsigned) flags |= ColumnFlag.UNSIGNED;
  if (column.notNull) flags |= ColumnFlag.NOT_NULL;
  if (binaryCharset) flags |= ColumnFlag.BINARY;
  if (numeric) flags |= ColumnFlag.NUM;
  if (type === MysqlType.BLOB) flags |= ColumnFlag.BLOB;
  const defaultDecimals = type === MysqlType.FLOAT || type === MysqlType.DOUBLE ? 31 : 0;
  return {
    charset: binaryCharset ? Charset.BINARY : Charset.UTF8MB4_GENERAL_CI,
    length: column.length ?? DEFAULT_LENGTH[type] ?? 65535,
    flags,
    decimals: column.decimals ?? defaultDecimals,
  };
}

/** Writes a ColumnDefinition41 packet. */
export function writeColumnDefinition(w: PacketWriter, column: ResultColumn): void {
  const info = columnWireInfo(column);
  w.begin();
  w.lenencString('def');
  w.lenencString(column.schema ?? '');
  w.lenencString(column.table ?? '');
  w.lenencString(column.orgTable ?? column.table ?? '');
  w.lenencString(column.name);
  w.lenencString(column.orgName ?? column.name);
  w.int1(0x0c);
  w.int2(info.charset);
  w.int4(info.length);
  w.int1(column.type);
  w.int2(info.flags & 0xffff);
  w.int1(info.decimals);
  w.int2(0);
  w.end();
}
