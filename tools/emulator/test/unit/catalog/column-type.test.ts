import { describe, expect, it } from 'vitest';
import {
  type ColumnType,
  duckdbType,
  isNumericType,
  isStringType,
  MAX_VARCHAR_LENGTH,
  mysqlColumnType,
  mysqlDataType,
  parseColumnType,
  STRING_LENGTH,
  sameType,
  typeToSql,
} from '../../../src/catalog/column-type.js';
import { SqlSyntaxError } from '../../../src/sql/lexer.js';

interface Row {
  readonly input: string;
  readonly type: ColumnType;
  /** SHOW CREATE TABLE form. */
  readonly sql: string;
  /** information_schema.columns.COLUMN_TYPE (spec §7.2). */
  readonly columnType: string;
  /** information_schema.columns.DATA_TYPE (spec §7.2). */
  readonly dataType: string;
  readonly duckdb: string;
}

const INT: ColumnType = { kind: 'INT' };

const ROWS: readonly Row[] = [
  {
    input: 'BOOLEAN',
    type: { kind: 'BOOLEAN' },
    sql: 'boolean',
    columnType: 'tinyint(1)',
    dataType: 'tinyint',
    duckdb: 'BOOLEAN',
  },
  {
    input: 'BOOL',
    type: { kind: 'BOOLEAN' },
    sql: 'boolean',
    columnType: 'tinyint(1)',
    dataType: 'tinyint',
    duckdb: 'BOOLEAN',
  },
  {
    input: 'TINYINT',
    type: { kind: 'TINYINT' },
    sql: 'tinyint(4)',
    columnType: 'tinyint(4)',
    dataType: 'tinyint',
    duckdb: 'TINYINT',
  },
  {
    input: 'SMALLINT',
    type: { kind: 'SMALLINT' },
    sql: 'smallint(6)',
    columnType: 'smallint(6)',
    dataType: 'smallint',
    duckdb: 'SMALLINT',
  },
  { input: 'INT', type: INT, sql: 'int(11)', columnType: 'int(11)', dataType: 'int', duckdb: 'INTEGER' },
  { input: 'INTEGER', type: INT, sql: 'int(11)', columnType: 'int(11)', dataType: 'int', duckdb: 'INTEGER' },
  {
    input: 'BIGINT',
    type: { kind: 'BIGINT' },
    sql: 'bigint(20)',
    columnType: 'bigint(20)',
    dataType: 'bigint',
    duckdb: 'BIGINT',
  },
  {
    input: 'LARGEINT',
    type: { kind: 'LARGEINT' },
    sql: 'largeint(40)',
    columnType: 'bigint(20) unsigned',
    dataType: 'bigint unsigned',
    duckdb: 'HUGEINT',
  },
  {
    input: 'FLOAT',
    type: { kind: 'FLOAT' },
    sql: 'float',
    columnType: 'float',
    dataType: 'float',
    duckdb: 'FLOAT',
  },
  {
    input: 'DOUBLE',
    type: { kind: 'DOUBLE' },
    sql: 'double',
    columnType: 'double',
    dataType: 'double',
    duckdb: 'DOUBLE',
  },
  {
    input: 'DATE',
    type: { kind: 'DATE' },
    sql: 'date',
    columnType: 'date',
    dataType: 'date',
    duckdb: 'DATE',
  },
  {
    input: 'DATETIME',
    type: { kind: 'DATETIME' },
    sql: 'datetime',
    columnType: 'datetime',
    dataType: 'datetime',
    duckdb: 'TIMESTAMP',
  },
  {
    input: 'JSON',
    type: { kind: 'JSON' },
    sql: 'json',
    columnType: 'json',
    dataType: 'json',
    duckdb: 'VARCHAR',
  },
  {
    input: 'DECIMAL',
    type: { kind: 'DECIMAL', precision: 10, scale: 0 },
    sql: 'decimal(10, 0)',
    columnType: 'decimal(10, 0)',
    dataType: 'decimal',
    duckdb: 'DECIMAL(10,0)',
  },
  {
    input: 'DECIMAL(5)',
    type: { kind: 'DECIMAL', precision: 5, scale: 0 },
    sql: 'decimal(5, 0)',
    columnType: 'decimal(5, 0)',
    dataType: 'decimal',
    duckdb: 'DECIMAL(5,0)',
  },
  {
    input: 'DECIMAL(18, 2)',
    type: { kind: 'DECIMAL', precision: 18, scale: 2 },
    sql: 'decimal(18, 2)',
    columnType: 'decimal(18, 2)',
    dataType: 'decimal',
    duckdb: 'DECIMAL(18,2)',
  },
  {
    input: 'decimal(1,1)',
    type: { kind: 'DECIMAL', precision: 1, scale: 1 },
    sql: 'decimal(1, 1)',
    columnType: 'decimal(1, 1)',
    dataType: 'decimal',
    duckdb: 'DECIMAL(1,1)',
  },
  {
    input: 'DECIMAL(38,38)',
    type: { kind: 'DECIMAL', precision: 38, scale: 38 },
    sql: 'decimal(38, 38)',
    columnType: 'decimal(38, 38)',
    dataType: 'decimal',
    duckdb: 'DECIMAL(38,38)',
  },
  {
    input: 'DECIMAL64(18, 4)',
    type: { kind: 'DECIMAL', precision: 18, scale: 4 },
    sql: 'decimal(18, 4)',
    columnType: 'decimal(18, 4)',
    dataType: 'decimal',
    duckdb: 'DECIMAL(18,4)',
  },
  {
    input: 'CHAR',
    type: { kind: 'CHAR', length: 1 },
    sql: 'char(1)',
    columnType: 'char(1)',
    dataType: 'char',
    duckdb: 'VARCHAR',
  },
  {
    input: 'CHAR(255)',
    type: { kind: 'CHAR', length: 255 },
    sql: 'char(255)',
    columnType: 'char(255)',
    dataType: 'char',
    duckdb: 'VARCHAR',
  },
  {
    input: 'VARCHAR',
    type: { kind: 'VARCHAR', length: 1 },
    sql: 'varchar(1)',
    columnType: 'varchar(1)',
    dataType: 'varchar',
    duckdb: 'VARCHAR',
  },
  {
    input: 'VARCHAR(64)',
    type: { kind: 'VARCHAR', length: 64 },
    sql: 'varchar(64)',
    columnType: 'varchar(64)',
    dataType: 'varchar',
    duckdb: 'VARCHAR',
  },
  {
    input: 'VARCHAR(1048576)',
    type: { kind: 'VARCHAR', length: 1_048_576 },
    sql: 'varchar(1048576)',
    columnType: 'varchar(1048576)',
    dataType: 'varchar',
    duckdb: 'VARCHAR',
  },
  {
    input: 'STRING',
    type: { kind: 'VARCHAR', length: 65533 },
    sql: 'varchar(65533)',
    columnType: 'varchar(65533)',
    dataType: 'varchar',
    duckdb: 'VARCHAR',
  },
  {
    input: 'VARBINARY(16)',
    type: { kind: 'VARBINARY', length: 16 },
    sql: 'varbinary(16)',
    columnType: 'varbinary(16)',
    dataType: 'varbinary',
    duckdb: 'BLOB',
  },
  {
    input: 'ARRAY<INT>',
    type: { kind: 'ARRAY', element: INT },
    sql: 'array<int(11)>',
    columnType: 'array<int(11)>',
    dataType: 'array',
    duckdb: 'VARCHAR',
  },
  {
    input: 'ARRAY<BOOLEAN>',
    type: { kind: 'ARRAY', element: { kind: 'BOOLEAN' } },
    sql: 'array<boolean>',
    // nested types print their toSql form (spec §7.2: array<T-sql>)
    columnType: 'array<boolean>',
    dataType: 'array',
    duckdb: 'VARCHAR',
  },
  {
    input: 'ARRAY<MAP<INT,ARRAY<VARCHAR(10)>>>',
    type: {
      kind: 'ARRAY',
      element: {
        kind: 'MAP',
        key: INT,
        value: { kind: 'ARRAY', element: { kind: 'VARCHAR', length: 10 } },
      },
    },
    sql: 'array<map<int(11),array<varchar(10)>>>',
    columnType: 'array<map<int(11),array<varchar(10)>>>',
    dataType: 'array',
    duckdb: 'VARCHAR',
  },
  {
    input: 'MAP<VARCHAR(10), LARGEINT>',
    type: { kind: 'MAP', key: { kind: 'VARCHAR', length: 10 }, value: { kind: 'LARGEINT' } },
    sql: 'map<varchar(10),largeint(40)>',
    columnType: 'map<varchar(10),largeint(40)>',
    dataType: 'map',
    duckdb: 'VARCHAR',
  },
  {
    input: 'STRUCT<a INT, b DECIMAL(10, 2)>',
    type: {
      kind: 'STRUCT',
      fields: [
        { name: 'a', type: INT },
        { name: 'b', type: { kind: 'DECIMAL', precision: 10, scale: 2 } },
      ],
    },
    sql: 'struct<a int(11), b decimal(10, 2)>',
    columnType: 'struct<a int(11), b decimal(10, 2)>',
    dataType: 'struct',
    duckdb: 'VARCHAR',
  },
  {
    input: 'STRUCT<x ARRAY<STRING>, y STRUCT<z DATE>>',
    type: {
      kind: 'STRUCT',
      fields: [
        { name: 'x', type: { kind: 'ARRAY', element: { kind: 'VARCHAR', length: 65533 } } },
        { name: 'y', type: { kind: 'STRUCT', fields: [{ name: 'z', type: { kind: 'DATE' } }] } },
      ],
    },
    sql: 'struct<x array<varchar(65533)>, y struct<z date>>',
    columnType: 'struct<x array<varchar(65533)>, y struct<z date>>',
    dataType: 'struct',
    duckdb: 'VARCHAR',
  },
];

describe('parseColumnType and the type printers', () => {
  it.each(ROWS)('$input', (row) => {
    const t = parseColumnType(row.input);
    expect(t).toEqual(row.type);
    expect(typeToSql(t)).toBe(row.sql);
    expect(mysqlColumnType(t)).toBe(row.columnType);
    expect(mysqlDataType(t)).toBe(row.dataType);
    expect(duckdbType(t)).toBe(row.duckdb);
  });

  it.each(ROWS)('typeToSql round-trips: $sql', (row) => {
    expect(parseColumnType(row.sql)).toEqual(row.type);
    expect(parseColumnType(typeToSql(parseColumnType(row.sql)))).toEqual(row.type);
  });

  it('exports the STRING and VARCHAR limits', () => {
    expect(STRING_LENGTH).toBe(65533);
    expect(MAX_VARCHAR_LENGTH).toBe(1_048_576);
  });
});

describe('parseColumnType accepts MySQL spellings', () => {
  it.each([
    ['int(11)', { kind: 'INT' }],
    ['tinyint(1)', { kind: 'TINYINT' }],
    ['bigint(20)', { kind: 'BIGINT' }],
    ['smallint(6)', { kind: 'SMALLINT' }],
    ['largeint(40)', { kind: 'LARGEINT' }],
    ['varchar(10)', { kind: 'VARCHAR', length: 10 }],
    ['Array<Int>', { kind: 'ARRAY', element: { kind: 'INT' } }],
    ['  decimal( 12 , 3 )  ', { kind: 'DECIMAL', precision: 12, scale: 3 }],
    ['DECIMAL32(9, 2)', { kind: 'DECIMAL', precision: 9, scale: 2 }],
    ['DECIMAL128(38, 10)', { kind: 'DECIMAL', precision: 38, scale: 10 }],
    ['NUMERIC(7,2)', { kind: 'DECIMAL', precision: 7, scale: 2 }],
    ['TEXT', { kind: 'VARCHAR', length: 65533 }],
    ['BINARY', { kind: 'VARBINARY', length: 65533 }],
  ] as [string, ColumnType][])('%s', (input, expected) => {
    expect(parseColumnType(input)).toEqual(expected);
  });
});

describe('parseColumnType errors', () => {
  it.each([
    ['FOO', /Unknown type: FOO/],
    ['ARRAY<INT', /expected '>' near end of input/],
    ['ARRAY<MAP<INT,INT>', /expected '>'/],
    ['MAP<INT>', /expected ','/],
    ['ARRAY INT', /expected '<'/],
    ['STRUCT< >', /expected a struct field name/],
    ['STRUCT<>', /expected '<'/],
    ['DECIMAL(0)', /precision should in range \[1, 38\], but got 0/],
    ['DECIMAL(39, 2)', /precision should in range \[1, 38\], but got 39/],
    ['DECIMAL(10, 11)', /P must be greater than or equal to the value of S/],
    ['DECIMAL(10,', /expected a decimal scale/],
    ['DECIMAL(x)', /expected a decimal precision/],
    ['DECIMAL(10.5)', /expected a decimal precision/],
    ['CHAR(0)', /CHAR size must be between 1 and 255, but got 0/],
    ['CHAR(256)', /CHAR size must be between 1 and 255, but got 256/],
    ['VARCHAR(0)', /VARCHAR size must be between 1 and 1048576, but got 0/],
    ['VARCHAR(1048577)', /VARCHAR size must be between 1 and 1048576, but got 1048577/],
    ['INT garbage', /unexpected input near 'garbage'/],
    ['INT(x)', /expected a display width/],
    ['BITMAP', /type BITMAP is not supported/],
    ['HLL', /type HLL is not supported/],
    ['', /expected a column type near end of input/],
  ])('%s', (input, message) => {
    expect(() => parseColumnType(input)).toThrow(SqlSyntaxError);
    expect(() => parseColumnType(input)).toThrow(message);
  });
});

describe('type helpers', () => {
  it.each([
    ['INT', true, false],
    ['BOOLEAN', true, false],
    ['DECIMAL(10, 2)', true, false],
    ['LARGEINT', true, false],
    ['DOUBLE', true, false],
    ['VARCHAR(3)', false, true],
    ['CHAR(3)', false, true],
    ['STRING', false, true],
    ['DATE', false, false],
    ['JSON', false, false],
    ['ARRAY<INT>', false, false],
  ])('%s numeric=%s string=%s', (input, numeric, str) => {
    const t = parseColumnType(input);
    expect(isNumericType(t)).toBe(numeric);
    expect(isStringType(t)).toBe(str);
  });

  it('sameType compares the SQL form', () => {
    expect(sameType(parseColumnType('INT'), parseColumnType('int(11)'))).toBe(true);
    expect(sameType(parseColumnType('STRING'), parseColumnType('VARCHAR(65533)'))).toBe(true);
    expect(sameType(parseColumnType('VARCHAR(10)'), parseColumnType('VARCHAR(11)'))).toBe(false);
    expect(sameType(parseColumnType('DECIMAL(10, 2)'), parseColumnType('DECIMAL(10, 3)'))).toBe(false);
  });
});
