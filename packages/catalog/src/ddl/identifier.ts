import { InvalidNameError, type NameKind } from '../errors.js';

/** `FeNameFormat.DB_NAME_REGEX` (spec §8). */
export const DATABASE_NAME_PATTERN = /^(?:[a-zA-Z]\w{0,255}|_[a-zA-Z0-9]\w{0,254})$/;
/** Longest table or column name, in characters (spec §8). */
export const MAX_NAME_LENGTH = 1024;
/** Characters a column name cannot contain (spec §8 `COLUMN_NAME_REGEX`). */
const COLUMN_FORBIDDEN = /[\0=<>!*]/;
/** Column-name prefixes StarRocks reserves (`__op`, `__row`, and the schema-change shadow prefix). */
export const RESERVED_COLUMN_PREFIXES = ['__op', '__row', '__starrocks_shadow_'] as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Quotes an identifier with backticks, doubling any backtick inside: `` a`b `` → `` `a``b` ``.
 * This is the only way the catalog writes names into SQL.
 */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function refuse(kind: NameKind, name: string, rule: string): InvalidNameError {
  const shown = name.length > 80 ? `${JSON.stringify(name.slice(0, 80))}…` : JSON.stringify(name);
  return new InvalidNameError(`Invalid ${kind} name ${shown}: ${rule}`, kind, name);
}

function checkCommon(kind: NameKind, name: unknown): string {
  if (typeof name !== 'string') throw refuse(kind, String(name), 'a name must be a string');
  if (name.length === 0) throw refuse(kind, name, 'a name cannot be empty');
  if (LONE_SURROGATE.test(name)) throw refuse(kind, name, 'a name must be valid Unicode (a lone surrogate)');
  return name;
}

/**
 * Checks a database name against StarRocks' rule (`^[a-zA-Z]\w{0,255}$` or `^_[a-zA-Z0-9]\w{0,254}$`).
 * @throws {InvalidNameError} (`SR_INVALID_NAME`)
 */
export function validateDatabaseName(name: string): string {
  checkCommon('database', name);
  if (!DATABASE_NAME_PATTERN.test(name)) {
    throw refuse(
      'database',
      name,
      'it must start with a letter (or "_" and a letter or digit) and contain only letters, digits and "_", at most 256 characters',
    );
  }
  return name;
}

/**
 * Checks a table name: 1–1024 characters, no NUL (`^[^\0]{1,1024}$`). Anything else, backticks and
 * quotes included, is allowed and quoted.
 * @throws {InvalidNameError} (`SR_INVALID_NAME`)
 */
export function validateTableName(name: string): string {
  checkCommon('table', name);
  if (name.includes('\0')) throw refuse('table', name, 'it cannot contain NUL');
  if ([...name].length > MAX_NAME_LENGTH)
    throw refuse('table', name, `at most ${MAX_NAME_LENGTH} characters`);
  return name;
}

/**
 * Checks a column name: 1–1024 characters, none of NUL `=` `<` `>` `!` `*`, not starting with a
 * reserved prefix (`__op`, `__row`, `__starrocks_shadow_`; case-insensitive).
 * @throws {InvalidNameError} (`SR_INVALID_NAME`)
 */
export function validateColumnName(name: string): string {
  checkCommon('column', name);
  if (COLUMN_FORBIDDEN.test(name)) throw refuse('column', name, 'it cannot contain NUL, =, <, >, ! or *');
  if ([...name].length > MAX_NAME_LENGTH)
    throw refuse('column', name, `at most ${MAX_NAME_LENGTH} characters`);
  const lower = name.toLowerCase();
  const reserved = RESERVED_COLUMN_PREFIXES.find((p) => lower.startsWith(p));
  if (reserved !== undefined)
    throw refuse('column', name, `the prefix "${reserved}" is reserved by StarRocks`);
  return name;
}

/**
 * Checks a STRUCT field name: non-empty, no NUL, valid Unicode.
 * @throws {InvalidNameError} (`SR_INVALID_NAME`)
 */
export function validateFieldName(name: string): string {
  checkCommon('struct field', name);
  if (name.includes('\0')) throw refuse('struct field', name, 'it cannot contain NUL');
  return name;
}

/** `` `db`.`table` `` after validating both names. */
export function qualifiedTableName(database: string, table: string): string {
  return `${quoteIdentifier(validateDatabaseName(database))}.${quoteIdentifier(validateTableName(table))}`;
}
