import { z } from 'zod';
import { TypeMappingError } from '../errors.js';
import { parseZodOptions } from '../internal/zod-options.js';
import type { ColumnDefault } from '../schema/table-schema.js';
import { type MysqlColumnType, parseMysqlColumnType } from './mysql-column-type.js';
import {
  MAX_CHAR_LENGTH,
  MAX_DECIMAL_PRECISION,
  MAX_VARCHAR_LENGTH,
  MAX_VARCHAR_LENGTH_LIMIT,
  type StarRocksType,
} from './starrocks-type.js';

/** Options of {@link mapMysqlType}; every one is optional. */
export const MysqlTypeMappingOptionsSchema = z.strictObject({
  tinyint1AsBoolean: z
    .boolean()
    .default(true)
    .describe('Map signed TINYINT(1) (and BOOL/BOOLEAN) to BOOLEAN; false keeps TINYINT.'),
  charLengthMultiplier: z
    .number()
    .int()
    .min(1)
    .max(4)
    .default(4)
    .describe(
      'Bytes per character for CHAR(n)/VARCHAR(n): MySQL counts characters, StarRocks bytes. 4 (the default) covers every utf8mb4 text (emoji); 3 covers utf8mb3 and the BMP only.',
    ),
  maxVarcharLength: z
    .number()
    .int()
    .min(1)
    .max(MAX_VARCHAR_LENGTH_LIMIT)
    .default(MAX_VARCHAR_LENGTH)
    .describe(
      'Largest VARCHAR the target accepts: 1048576 for StarRocks 2.1–4.1 (65533 before 2.1, 2147482624 from 4.2). Longer types are capped to it.',
    ),
  maxVarbinaryLength: z
    .number()
    .int()
    .min(1)
    .max(MAX_VARCHAR_LENGTH_LIMIT)
    .default(MAX_VARCHAR_LENGTH)
    .describe('Largest VARBINARY the target accepts; longer types are capped to it.'),
  decimalOverflow: z
    .enum(['string', 'decimal256'])
    .default('string')
    .describe(
      'DECIMAL with more than 38 digits: "string" → VARCHAR(p+2) holding the exact text; "decimal256" → DECIMAL(p,s) (StarRocks with DECIMAL256 only).',
    ),
  geometry: z
    .enum(['wkt', 'wkb'])
    .default('wkt')
    .describe('GEOMETRY family: "wkt" → VARCHAR (well-known text), "wkb" → VARBINARY (well-known binary).'),
  primaryKey: z
    .boolean()
    .default(false)
    .describe(
      'The column will be part of a StarRocks Primary Key: CHAR and DECIMAL become VARCHAR; types a key cannot have (FLOAT, DOUBLE, JSON, binary, spatial) are refused.',
    ),
});

/** Input of {@link MysqlTypeMappingOptionsSchema}. */
export type MysqlTypeMappingOptions = z.input<typeof MysqlTypeMappingOptionsSchema>;
type Resolved = z.output<typeof MysqlTypeMappingOptionsSchema>;

/**
 * How a CDC source must turn the MySQL value into the value loaded into the StarRocks column.
 * - `none`: as MySQL gives it (numbers, text, exact decimal text).
 * - `boolean`: 0/1 (TINYINT(1), BIT(1)) → `false`/`true`.
 * - `bit-integer`: BIT(n) bytes → an unsigned integer (`bigint` above 2^53).
 * - `decimal-text`: a DECIMAL kept as its exact decimal text in a VARCHAR.
 * - `date`: `YYYY-MM-DD`; `datetime`: wall-clock `YYYY-MM-DD HH:MM:SS[.ffffff]`, no zone conversion.
 * - `timestamp`: an instant (MySQL stores TIMESTAMP in UTC); render it in the pipeline's time zone.
 * - `time-text`: TIME as `[-]HHH:MM:SS[.ffffff]` text.
 * - `year`: the 4-digit year as an integer.
 * - `enum-text` / `set-text`: the member's text / the members joined by `,` (the binlog carries an
 *   index / a bitmask).
 * - `json-text`: JSON text.
 * - `binary`: the bytes.
 * - `geometry-wkt` / `geometry-wkb`: MySQL's internal value (SRID + WKB) as WKT text / as WKB bytes.
 * - `vector`: a VECTOR's float32 values as an array of numbers.
 */
export type MysqlValueConversion =
  | 'none'
  | 'boolean'
  | 'bit-integer'
  | 'decimal-text'
  | 'date'
  | 'datetime'
  | 'timestamp'
  | 'time-text'
  | 'year'
  | 'enum-text'
  | 'set-text'
  | 'json-text'
  | 'binary'
  | 'geometry-wkt'
  | 'geometry-wkb'
  | 'vector';

/** The result of {@link mapMysqlColumnType}. */
export interface MysqlTypeMapping {
  readonly mysql: MysqlColumnType;
  readonly starRocks: StarRocksType;
  readonly conversion: MysqlValueConversion;
}

const SPATIAL = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
]);

/** MySQL's largest ENUM/SET member, in characters. */
const MAX_MEMBER_CHARS = 255;
/** MySQL's largest number of SET members. */
const MAX_SET_MEMBERS = 64;

function mapped(mysql: MysqlColumnType, starRocks: StarRocksType, conversion: MysqlValueConversion = 'none') {
  return { mysql, starRocks, conversion };
}

function varchar(bytes: number, o: Resolved): StarRocksType {
  return { kind: 'VARCHAR', length: Math.max(1, Math.min(bytes, o.maxVarcharLength)) };
}

function varbinary(bytes: number, o: Resolved): StarRocksType {
  return { kind: 'VARBINARY', length: Math.max(1, Math.min(bytes, o.maxVarbinaryLength)) };
}

function notAKey(m: MysqlColumnType, o: Resolved, what: string): void {
  if (o.primaryKey) {
    throw new TypeMappingError(
      `MySQL ${JSON.stringify(m.text)} maps to ${what}, which cannot be a StarRocks Primary Key column; map the column yourself (for example to text) or leave it out of the key`,
      m.text,
    );
  }
}

function decimalText(m: MysqlColumnType, p: number, s: number, o: Resolved): MysqlTypeMapping {
  // sign, the integer digits (at least the "0" of "-0.5"), and the point and fraction digits
  return mapped(m, varchar(1 + Math.max(1, p - s) + (s > 0 ? 1 + s : 0), o), 'decimal-text');
}

/**
 * Maps a MySQL/MariaDB column type (text as in `information_schema.COLUMNS.COLUMN_TYPE`, or parsed)
 * to the StarRocks type a CDC pipeline creates for it, and says how values must be converted. Every
 * decision is in the README's "MySQL → StarRocks" table.
 *
 * @throws {TypeMappingError} (`SR_TYPE`) for unknown types, and for types a Primary Key cannot have
 *   when `primaryKey` is set.
 * @throws {InvalidOptionError} for invalid options.
 */
export function mapMysqlColumnType(
  columnType: string | MysqlColumnType,
  options: MysqlTypeMappingOptions = {},
): MysqlTypeMapping {
  const o = parseZodOptions(MysqlTypeMappingOptionsSchema, options, 'MySQL type mapping options');
  const m = typeof columnType === 'string' ? parseMysqlColumnType(columnType) : columnType;
  const p0 = m.params[0];
  const k = o.charLengthMultiplier;
  switch (m.name) {
    case 'boolean':
      return o.tinyint1AsBoolean ? mapped(m, { kind: 'BOOLEAN' }, 'boolean') : mapped(m, { kind: 'TINYINT' });
    case 'tinyint':
      if (m.unsigned) return mapped(m, { kind: 'SMALLINT' });
      if (p0 === 1 && o.tinyint1AsBoolean) return mapped(m, { kind: 'BOOLEAN' }, 'boolean');
      return mapped(m, { kind: 'TINYINT' });
    case 'smallint':
      return mapped(m, { kind: m.unsigned ? 'INT' : 'SMALLINT' });
    case 'mediumint':
      return mapped(m, { kind: 'INT' });
    case 'int':
      return mapped(m, { kind: m.unsigned ? 'BIGINT' : 'INT' });
    case 'bigint':
      return mapped(m, { kind: m.unsigned ? 'LARGEINT' : 'BIGINT' });
    case 'float':
    case 'double': {
      // FLOAT(p) with p > 24 is a DOUBLE in MySQL; FLOAT(M,D) keeps FLOAT
      const isDouble = m.name === 'double' || (m.params.length === 1 && (p0 ?? 0) > 24);
      notAKey(m, o, isDouble ? 'DOUBLE' : 'FLOAT');
      return mapped(m, { kind: isDouble ? 'DOUBLE' : 'FLOAT' });
    }
    case 'decimal': {
      const p = p0 ?? 10;
      const s = m.params[1] ?? 0;
      if (p < 1 || s > p)
        throw new TypeMappingError(`MySQL ${JSON.stringify(m.text)} is not a valid DECIMAL`, m.text);
      if (o.primaryKey) return decimalText(m, p, s, o);
      if (p <= MAX_DECIMAL_PRECISION) return mapped(m, { kind: 'DECIMAL', precision: p, scale: s });
      if (o.decimalOverflow === 'decimal256') return mapped(m, { kind: 'DECIMAL', precision: p, scale: s });
      return decimalText(m, p, s, o);
    }
    case 'bit': {
      const bits = p0 ?? 1;
      if (bits < 1 || bits > 64)
        throw new TypeMappingError(`MySQL ${JSON.stringify(m.text)} is not a valid BIT`, m.text);
      if (bits === 1) return mapped(m, { kind: 'BOOLEAN' }, 'boolean');
      return mapped(m, { kind: bits === 64 ? 'LARGEINT' : 'BIGINT' }, 'bit-integer');
    }
    case 'char': {
      const bytes = Math.max(1, (p0 ?? 1) * k);
      if (bytes <= MAX_CHAR_LENGTH && !o.primaryKey) return mapped(m, { kind: 'CHAR', length: bytes });
      return mapped(m, varchar(bytes, o));
    }
    case 'varchar':
      if (p0 === undefined)
        throw new TypeMappingError(`MySQL ${JSON.stringify(m.text)} needs a length`, m.text);
      return mapped(m, varchar(p0 * k, o));
    case 'tinytext':
      return mapped(m, varchar(255, o));
    case 'text':
      return mapped(m, varchar(65_535, o));
    case 'mediumtext':
    case 'longtext':
      return mapped(m, varchar(o.maxVarcharLength, o));
    case 'binary':
    case 'varbinary':
      notAKey(m, o, 'VARBINARY');
      if (m.name === 'varbinary' && p0 === undefined)
        throw new TypeMappingError(`MySQL ${JSON.stringify(m.text)} needs a length`, m.text);
      return mapped(m, varbinary(p0 ?? 1, o), 'binary');
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob': {
      notAKey(m, o, 'VARBINARY');
      const bytes = m.name === 'tinyblob' ? 255 : m.name === 'blob' ? 65_535 : o.maxVarbinaryLength;
      return mapped(m, varbinary(bytes, o), 'binary');
    }
    case 'enum':
      return mapped(m, varchar(MAX_MEMBER_CHARS * k, o), 'enum-text');
    case 'set':
      return mapped(m, varchar(MAX_SET_MEMBERS * MAX_MEMBER_CHARS * k + MAX_SET_MEMBERS - 1, o), 'set-text');
    case 'json':
      notAKey(m, o, 'JSON');
      return mapped(m, { kind: 'JSON' }, 'json-text');
    case 'date':
      return mapped(m, { kind: 'DATE' }, 'date');
    case 'datetime':
      return mapped(m, { kind: 'DATETIME' }, 'datetime');
    case 'timestamp':
      return mapped(m, { kind: 'DATETIME' }, 'timestamp');
    case 'time': {
      const fsp = p0 ?? 0;
      // -838:59:59 is 10 characters; a fraction adds "." and fsp digits
      return mapped(m, { kind: 'VARCHAR', length: 10 + (fsp > 0 ? fsp + 1 : 0) }, 'time-text');
    }
    case 'year':
      return mapped(m, { kind: 'SMALLINT' }, 'year');
    case 'vector':
      notAKey(m, o, 'ARRAY<FLOAT>');
      return mapped(m, { kind: 'ARRAY', element: { kind: 'FLOAT' } }, 'vector');
    case 'inet4':
      return mapped(m, { kind: 'VARCHAR', length: 15 });
    case 'inet6':
      return mapped(m, { kind: 'VARCHAR', length: 45 });
    case 'uuid':
      return mapped(m, { kind: 'VARCHAR', length: 36 });
    default:
      if (SPATIAL.has(m.name)) {
        notAKey(m, o, o.geometry === 'wkt' ? 'VARCHAR (WKT)' : 'VARBINARY (WKB)');
        return o.geometry === 'wkt'
          ? mapped(m, varchar(o.maxVarcharLength, o), 'geometry-wkt')
          : mapped(m, varbinary(o.maxVarbinaryLength, o), 'geometry-wkb');
      }
      throw new TypeMappingError(
        `MySQL type ${JSON.stringify(m.text)} has no StarRocks mapping (unknown type "${m.name}")`,
        m.text,
      );
  }
}

/**
 * {@link mapMysqlColumnType} returning only the StarRocks type.
 * @throws {TypeMappingError} (`SR_TYPE`)
 */
export function mapMysqlType(
  columnType: string | MysqlColumnType,
  options: MysqlTypeMappingOptions = {},
): StarRocksType {
  return mapMysqlColumnType(columnType, options).starRocks;
}

/** Options of {@link mapMysqlDefault}. */
export interface MysqlDefaultOptions {
  /**
   * How the server printed `COLUMN_DEFAULT`: MySQL gives literals bare (`abc`) and NULL as SQL NULL;
   * MariaDB (10.2.7+) quotes literals (`'abc'`), prints NULL as the text `NULL` and expressions bare.
   * @default 'mysql'
   */
  readonly flavor?: 'mysql' | 'mariadb';
}

const ZERO_DATE = /^0000-00-00(?:[ T]00:00:00(?:\.0+)?)?$/;
const CURRENT_TIMESTAMP = /^(?:current_timestamp|now|localtime|localtimestamp)(?:\(\s*\d*\s*\))?$/i;

/**
 * Maps a MySQL/MariaDB column default (`information_schema.COLUMNS.COLUMN_DEFAULT`) to the default
 * of the StarRocks column {@link mapMysqlColumnType} made, or `null` when it has none or none can
 * be kept:
 * - `CURRENT_TIMESTAMP[(n)]` (and NOW(), LOCALTIME…) on DATETIME → `CURRENT_TIMESTAMP`;
 * - MySQL's zero dates `0000-00-00[ 00:00:00]` → `1970-01-01[ 00:00:00]` (StarRocks has no zero date;
 *   Flink CDC does the same);
 * - BIT literals `b'101'` → their value (`1`/`0` for BOOLEAN);
 * - expression defaults (`(uuid())`, MariaDB's bare expressions) and defaults of JSON, binary and
 *   spatial columns → `null` (dropped: StarRocks takes only literal defaults there).
 */
export function mapMysqlDefault(
  columnDefault: string | null | undefined,
  mapping: MysqlTypeMapping,
  options: MysqlDefaultOptions = {},
): ColumnDefault | null {
  if (columnDefault === null || columnDefault === undefined) return null;
  let raw = columnDefault;
  if (options.flavor === 'mariadb') {
    if (raw === 'NULL') return null;
    const quoted = /^'([\s\S]*)'$/.exec(raw);
    if (quoted) raw = quoted[1]!.replaceAll("''", "'").replace(/\\(.)/g, '$1');
    else if (!/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(raw) && !/^b'[01]*'$/i.test(raw)) {
      return CURRENT_TIMESTAMP.test(raw) && mapping.starRocks.kind === 'DATETIME'
        ? { kind: 'current_timestamp' }
        : null;
    }
  }
  const kind = mapping.starRocks.kind;
  if (CURRENT_TIMESTAMP.test(raw)) return kind === 'DATETIME' ? { kind: 'current_timestamp' } : null;
  if (/^\(.*\)$/s.test(raw)) return null; // MySQL 8 expression default
  switch (mapping.conversion) {
    case 'json-text':
    case 'binary':
    case 'geometry-wkt':
    case 'geometry-wkb':
    case 'vector':
      return null;
    case 'boolean':
    case 'bit-integer': {
      const bits = /^b'([01]*)'$/i.exec(raw);
      const value = bits ? BigInt(`0b${bits[1] || '0'}`).toString() : raw;
      return {
        kind: 'literal',
        value: mapping.conversion === 'boolean' ? (value === '0' ? '0' : '1') : value,
      };
    }
    case 'date':
    case 'datetime':
    case 'timestamp':
      if (ZERO_DATE.test(raw))
        return { kind: 'literal', value: kind === 'DATE' ? '1970-01-01' : '1970-01-01 00:00:00' };
      return { kind: 'literal', value: raw };
    default:
      return { kind: 'literal', value: raw };
  }
}
