import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  formatStarRocksType,
  type MysqlValueConversion,
  mapMysqlColumnType,
  mapMysqlDefault,
  mapMysqlType,
  parseMysqlColumnType,
  TypeMappingError,
  toZodSchema,
} from '../../../src/index.js';

describe('parseMysqlColumnType', () => {
  const cases: [string, Partial<ReturnType<typeof parseMysqlColumnType>>][] = [
    ['int(10) unsigned zerofill', { name: 'int', unsigned: true, zerofill: true, params: [10] }],
    ['INT(11)', { name: 'int', unsigned: false, params: [11] }],
    ['int unsigned', { name: 'int', unsigned: true, params: [] }],
    ['tinyint(1)', { name: 'tinyint', params: [1] }],
    ['decimal(65,30)', { name: 'decimal', params: [65, 30] }],
    ['numeric(5, 2)', { name: 'decimal', params: [5, 2] }],
    ['varchar(255)', { name: 'varchar', params: [255] }],
    ['datetime(6)', { name: 'datetime', params: [6] }],
    ['double precision', { name: 'double', params: [] }],
    ['double precision(10,2) unsigned', { name: 'double', params: [10, 2], unsigned: true }],
    ['character varying(12)', { name: 'varchar', params: [12] }],
    ['national char(3)', { name: 'char', params: [3] }],
    ['long varbinary', { name: 'mediumblob' }],
    ['serial', { name: 'bigint', unsigned: true }],
    ["enum('a','b')", { name: 'enum', values: ['a', 'b'] }],
    [
      "enum('it''s','back\\\\slash','x,y', 'ü')",
      { name: 'enum', values: ["it's", 'back\\slash', 'x,y', 'ü'] },
    ],
    ["set('x','y')", { name: 'set', values: ['x', 'y'] }],
    ['varchar(20) character set latin1 collate latin1_bin', { name: 'varchar', params: [20] }],
    ['char(10) binary', { name: 'char', params: [10] }],
    ['datetime /* mariadb-5.3 */', { name: 'datetime', params: [] }],
    ['timestamp(3) /* mariadb-5.3 */', { name: 'timestamp', params: [3] }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseMysqlColumnType(text)).toMatchObject({ ...expected, text });
  });

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['(10)', /expected a type name/],
    ['int(abc)', /expected a number/],
    ['int(10', /missing "\)"/],
    ['enum', /needs its members/],
    ["enum('a'", /unterminated|expected/],
    ["enum('a' 'b')", /expected "," or "\)"/],
    ['int sideways', /unexpected "sideways"/],
  ];
  it.each(bad)('refuses %j', (text, message) => {
    expect(() => parseMysqlColumnType(text)).toThrow(TypeMappingError);
    expect(() => parseMysqlColumnType(text)).toThrow(message);
  });
});

describe('mapMysqlType: every MySQL/MariaDB type with the default options', () => {
  const cases: [string, string, MysqlValueConversion][] = [
    // integers: unsigned types widen to the next signed type
    ['tinyint', 'TINYINT', 'none'],
    ['tinyint(4)', 'TINYINT', 'none'],
    ['tinyint(1)', 'BOOLEAN', 'boolean'],
    ['bool', 'BOOLEAN', 'boolean'],
    ['boolean', 'BOOLEAN', 'boolean'],
    ['tinyint(1) unsigned', 'SMALLINT', 'none'],
    ['tinyint unsigned', 'SMALLINT', 'none'],
    ['tinyint(3) unsigned zerofill', 'SMALLINT', 'none'],
    ['smallint', 'SMALLINT', 'none'],
    ['smallint(5) unsigned', 'INT', 'none'],
    ['smallint zerofill', 'INT', 'none'],
    ['mediumint', 'INT', 'none'],
    ['mediumint unsigned', 'INT', 'none'],
    ['int', 'INT', 'none'],
    ['int(11)', 'INT', 'none'],
    ['integer', 'INT', 'none'],
    ['int unsigned', 'BIGINT', 'none'],
    ['int(10) unsigned zerofill', 'BIGINT', 'none'],
    ['bigint', 'BIGINT', 'none'],
    ['bigint(20)', 'BIGINT', 'none'],
    ['bigint unsigned', 'LARGEINT', 'none'],
    ['bigint(20) unsigned', 'LARGEINT', 'none'],
    ['serial', 'LARGEINT', 'none'],
    // floating point
    ['float', 'FLOAT', 'none'],
    ['float(10)', 'FLOAT', 'none'],
    ['float(24)', 'FLOAT', 'none'],
    ['float(25)', 'DOUBLE', 'none'],
    ['float(7,4)', 'FLOAT', 'none'],
    ['float unsigned', 'FLOAT', 'none'],
    ['double', 'DOUBLE', 'none'],
    ['double(10,2)', 'DOUBLE', 'none'],
    ['double precision', 'DOUBLE', 'none'],
    ['real', 'DOUBLE', 'none'],
    // fixed point
    ['decimal', 'DECIMAL(10,0)', 'none'],
    ['decimal(10,2)', 'DECIMAL(10,2)', 'none'],
    ['decimal(10,2) unsigned', 'DECIMAL(10,2)', 'none'],
    ['numeric(5,2)', 'DECIMAL(5,2)', 'none'],
    ['dec(5)', 'DECIMAL(5,0)', 'none'],
    ['fixed(18,4)', 'DECIMAL(18,4)', 'none'],
    ['decimal(38,0)', 'DECIMAL(38,0)', 'none'],
    ['decimal(38,38)', 'DECIMAL(38,38)', 'none'],
    ['decimal(39,0)', 'VARCHAR(40)', 'decimal-text'],
    ['decimal(65,30)', 'VARCHAR(67)', 'decimal-text'],
    // bits
    ['bit', 'BOOLEAN', 'boolean'],
    ['bit(1)', 'BOOLEAN', 'boolean'],
    ['bit(2)', 'BIGINT', 'bit-integer'],
    ['bit(8)', 'BIGINT', 'bit-integer'],
    ['bit(63)', 'BIGINT', 'bit-integer'],
    ['bit(64)', 'LARGEINT', 'bit-integer'],
    // character strings: characters × 3 bytes
    ['char', 'CHAR(4)', 'none'],
    ['char(0)', 'CHAR(1)', 'none'],
    ['char(10)', 'CHAR(40)', 'none'],
    ['char(63)', 'CHAR(252)', 'none'],
    ['char(64)', 'VARCHAR(256)', 'none'],
    ['char(255)', 'VARCHAR(1020)', 'none'],
    ['national char(10)', 'CHAR(40)', 'none'],
    ['nchar(2)', 'CHAR(8)', 'none'],
    ['varchar(0)', 'VARCHAR(1)', 'none'],
    ['varchar(1)', 'VARCHAR(4)', 'none'],
    ['varchar(255)', 'VARCHAR(1020)', 'none'],
    ['varchar(16383)', 'VARCHAR(65532)', 'none'],
    ['varchar(65535)', 'VARCHAR(262140)', 'none'],
    ['nvarchar(10)', 'VARCHAR(40)', 'none'],
    ['character varying(10)', 'VARCHAR(40)', 'none'],
    ['varchar(20) character set latin1 collate latin1_bin', 'VARCHAR(80)', 'none'],
    // text: MySQL limits are bytes already
    ['tinytext', 'VARCHAR(255)', 'none'],
    ['text', 'VARCHAR(65535)', 'none'],
    ['mediumtext', 'VARCHAR(1048576)', 'none'],
    ['longtext', 'VARCHAR(1048576)', 'none'],
    ['long varchar', 'VARCHAR(1048576)', 'none'],
    ['long', 'VARCHAR(1048576)', 'none'],
    // binary
    ['binary', 'VARBINARY(1)', 'binary'],
    ['binary(16)', 'VARBINARY(16)', 'binary'],
    ['varbinary(255)', 'VARBINARY(255)', 'binary'],
    ['tinyblob', 'VARBINARY(255)', 'binary'],
    ['blob', 'VARBINARY(65535)', 'binary'],
    ['mediumblob', 'VARBINARY(1048576)', 'binary'],
    ['longblob', 'VARBINARY(1048576)', 'binary'],
    ['long varbinary', 'VARBINARY(1048576)', 'binary'],
    // enum / set: any member fits, so extending the type never needs a schema change
    ["enum('a','b')", 'VARCHAR(1020)', 'enum-text'],
    ["set('x','y')", 'VARCHAR(65343)', 'set-text'],
    ['json', 'JSON', 'json-text'],
    // temporal
    ['date', 'DATE', 'date'],
    ['datetime', 'DATETIME', 'datetime'],
    ['datetime(6)', 'DATETIME', 'datetime'],
    ['datetime /* mariadb-5.3 */', 'DATETIME', 'datetime'],
    ['timestamp', 'DATETIME', 'timestamp'],
    ['timestamp(3)', 'DATETIME', 'timestamp'],
    ['time', 'VARCHAR(10)', 'time-text'],
    ['time(3)', 'VARCHAR(14)', 'time-text'],
    ['time(6)', 'VARCHAR(17)', 'time-text'],
    ['year', 'SMALLINT', 'year'],
    ['year(4)', 'SMALLINT', 'year'],
    // spatial (WKT by default)
    ['geometry', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['point', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['linestring', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['polygon', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['multipoint', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['multilinestring', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['multipolygon', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['geometrycollection', 'VARCHAR(1048576)', 'geometry-wkt'],
    ['geomcollection', 'VARCHAR(1048576)', 'geometry-wkt'],
    // MySQL 9 / MariaDB extras
    ['vector(3)', 'ARRAY<FLOAT>', 'vector'],
    ['inet4', 'VARCHAR(15)', 'none'],
    ['inet6', 'VARCHAR(45)', 'none'],
    ['uuid', 'VARCHAR(36)', 'none'],
  ];
  it.each(cases)('%s → %s', (mysqlType, starRocks, conversion) => {
    const m = mapMysqlColumnType(mysqlType);
    expect(formatStarRocksType(m.starRocks)).toBe(starRocks);
    expect(m.conversion).toBe(conversion);
    expect(formatStarRocksType(mapMysqlType(mysqlType))).toBe(starRocks);
  });

  it('refuses unknown types with a TypeMappingError naming them', () => {
    for (const text of ['xml', 'money', 'interval']) {
      expect(() => mapMysqlType(text)).toThrow(TypeMappingError);
      expect(() => mapMysqlType(text)).toThrow(`has no StarRocks mapping (unknown type "${text}")`);
    }
    expect(() => mapMysqlType('varchar')).toThrow(/needs a length/);
    expect(() => mapMysqlType('bit(65)')).toThrow(/not a valid BIT/);
    expect(() => mapMysqlType('decimal(5,6)')).toThrow(/not a valid DECIMAL/);
  });

  it('accepts an already parsed type', () => {
    expect(mapMysqlType(parseMysqlColumnType('int unsigned'))).toEqual({ kind: 'BIGINT' });
  });
});

describe('mapMysqlType options', () => {
  const f = (text: string, o: Parameters<typeof mapMysqlType>[1]) =>
    formatStarRocksType(mapMysqlType(text, o));

  it('tinyint1AsBoolean: false keeps TINYINT(1) and BOOL as TINYINT', () => {
    expect(f('tinyint(1)', { tinyint1AsBoolean: false })).toBe('TINYINT');
    expect(f('boolean', { tinyint1AsBoolean: false })).toBe('TINYINT');
    expect(f('bit(1)', { tinyint1AsBoolean: false })).toBe('BOOLEAN');
  });

  it('charLengthMultiplier scales CHAR/VARCHAR/ENUM/SET', () => {
    expect(f('varchar(10)', { charLengthMultiplier: 4 })).toBe('VARCHAR(40)');
    expect(f('char(63)', { charLengthMultiplier: 4 })).toBe('CHAR(252)');
    expect(f('char(64)', { charLengthMultiplier: 4 })).toBe('VARCHAR(256)');
    expect(f('varchar(10)', { charLengthMultiplier: 1 })).toBe('VARCHAR(10)');
    expect(f("enum('a')", { charLengthMultiplier: 1 })).toBe('VARCHAR(255)');
    expect(f("set('a')", { charLengthMultiplier: 1 })).toBe('VARCHAR(16383)');
    expect(f('text', { charLengthMultiplier: 4 })).toBe('VARCHAR(65535)');
  });

  it('maxVarcharLength / maxVarbinaryLength cap long types (e.g. 65533 for StarRocks before 2.1)', () => {
    expect(f('varchar(65535)', { maxVarcharLength: 65_533 })).toBe('VARCHAR(65533)');
    expect(f('text', { maxVarcharLength: 65_533 })).toBe('VARCHAR(65533)');
    expect(f('longtext', { maxVarcharLength: 2_147_482_624 })).toBe('VARCHAR(2147482624)');
    expect(f('longblob', { maxVarbinaryLength: 1000 })).toBe('VARBINARY(1000)');
  });

  it("decimalOverflow: 'decimal256' keeps DECIMAL(p,s) above 38 digits", () => {
    expect(f('decimal(65,30)', { decimalOverflow: 'decimal256' })).toBe('DECIMAL(65,30)');
    expect(f('decimal(38,2)', { decimalOverflow: 'decimal256' })).toBe('DECIMAL(38,2)');
  });

  it("geometry: 'wkb' maps spatial types to VARBINARY", () => {
    const m = mapMysqlColumnType('point', { geometry: 'wkb' });
    expect(formatStarRocksType(m.starRocks)).toBe('VARBINARY(1048576)');
    expect(m.conversion).toBe('geometry-wkb');
  });

  it('DECIMAL(p,p) as a Primary Key column holds its widest text (-0.12345)', () => {
    const m = mapMysqlColumnType('decimal(5,5)', { primaryKey: true });
    const schema = toZodSchema({ columns: [{ name: 'k', type: m.starRocks, nullable: false }] });
    expect(schema.safeParse({ k: '-0.12345' }).success).toBe(true);
    expect(schema.safeParse({ k: '0.12345' }).success).toBe(true);
  });

  it('charLengthMultiplier defaults to 4 (any utf8mb4 character, emoji included)', () => {
    expect(f('varchar(10)', {})).toBe('VARCHAR(40)');
    expect(f('varchar(10)', { charLengthMultiplier: 3 })).toBe('VARCHAR(30)');
  });

  it('primaryKey: CHAR and DECIMAL become VARCHAR; non-key types are refused', () => {
    const pk = { primaryKey: true };
    expect(f('char(10)', pk)).toBe('VARCHAR(40)');
    expect(f('decimal(10,2)', pk)).toBe('VARCHAR(12)');
    expect(f('decimal(10,0)', pk)).toBe('VARCHAR(11)');
    // sign + at least one integer digit + point + fraction: "-0.12345"
    expect(f('decimal(5,5)', pk)).toBe('VARCHAR(8)');
    expect(f('decimal(6,5)', pk)).toBe('VARCHAR(8)');
    expect(f('decimal(1,0)', pk)).toBe('VARCHAR(2)');
    expect(f('decimal(65,30)', pk)).toBe('VARCHAR(67)');
    expect(mapMysqlColumnType('decimal(10,2)', pk).conversion).toBe('decimal-text');
    expect(f('int unsigned', pk)).toBe('BIGINT');
    expect(f('varchar(64)', pk)).toBe('VARCHAR(256)');
    expect(f('datetime(6)', pk)).toBe('DATETIME');
    expect(f('tinyint(1)', pk)).toBe('BOOLEAN');
    for (const text of [
      'float',
      'double',
      'json',
      'binary(16)',
      'varbinary(8)',
      'blob',
      'point',
      'vector(2)',
    ]) {
      expect(() => mapMysqlType(text, pk)).toThrow(TypeMappingError);
      expect(() => mapMysqlType(text, pk)).toThrow(/cannot be a StarRocks Primary Key column/);
    }
  });

  it('invalid options throw one InvalidOptionError naming each option', () => {
    let error: unknown;
    try {
      mapMysqlType('int', {
        charLengthMultiplier: 5,
        decimalOverflow: 'round' as 'string',
        extra: 1,
      } as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    const message = (error as Error).message;
    expect(message).toMatch(/charLengthMultiplier: /);
    expect(message).toMatch(/decimalOverflow: /);
    expect(message).toMatch(/Unrecognized key: "extra"/);
  });
});

describe('mapMysqlDefault', () => {
  const d = (raw: string | null, type: string, o?: Parameters<typeof mapMysqlDefault>[2]) =>
    mapMysqlDefault(raw, mapMysqlColumnType(type), o);
  const lit = (value: string) => ({ kind: 'literal', value });

  it('keeps literals, maps CURRENT_TIMESTAMP and zero dates, drops what StarRocks cannot take', () => {
    expect(d(null, 'int')).toBeNull();
    expect(d('42', 'int')).toEqual(lit('42'));
    expect(d('abc', 'varchar(10)')).toEqual(lit('abc'));
    expect(d("it's", 'varchar(10)')).toEqual(lit("it's"));
    expect(d('CURRENT_TIMESTAMP', 'timestamp')).toEqual({ kind: 'current_timestamp' });
    expect(d('CURRENT_TIMESTAMP(6)', 'datetime(6)')).toEqual({ kind: 'current_timestamp' });
    expect(d('now()', 'datetime')).toEqual({ kind: 'current_timestamp' });
    expect(d('CURRENT_TIMESTAMP', 'varchar(30)')).toBeNull();
    expect(d('0000-00-00 00:00:00', 'datetime')).toEqual(lit('1970-01-01 00:00:00'));
    expect(d('0000-00-00 00:00:00.000000', 'timestamp(6)')).toEqual(lit('1970-01-01 00:00:00'));
    expect(d('0000-00-00', 'date')).toEqual(lit('1970-01-01'));
    expect(d('2024-01-02 03:04:05', 'datetime')).toEqual(lit('2024-01-02 03:04:05'));
    expect(d("b'1'", 'bit(1)')).toEqual(lit('1'));
    expect(d("b'0'", 'bit(1)')).toEqual(lit('0'));
    expect(d("b'101'", 'bit(8)')).toEqual(lit('5'));
    expect(d('1', 'tinyint(1)')).toEqual(lit('1'));
    expect(d('(uuid())', 'varchar(36)')).toBeNull();
    expect(d('(json_array())', 'json')).toBeNull();
    expect(d('abc', 'blob')).toBeNull();
    expect(d('a', "enum('a','b')")).toEqual(lit('a'));
  });

  it('reads MariaDB quoting: quoted literals, NULL as text, bare expressions', () => {
    const m = { flavor: 'mariadb' as const };
    expect(d('NULL', 'varchar(10)', m)).toBeNull();
    expect(d("'NULL'", 'varchar(10)', m)).toEqual(lit('NULL'));
    expect(d("'it''s'", 'varchar(10)', m)).toEqual(lit("it's"));
    expect(d('42', 'int', m)).toEqual(lit('42'));
    expect(d('current_timestamp()', 'datetime', m)).toEqual({ kind: 'current_timestamp' });
    expect(d('uuid()', 'varchar(36)', m)).toBeNull();
    expect(d("'0000-00-00 00:00:00'", 'datetime', m)).toEqual(lit('1970-01-01 00:00:00'));
  });
});
