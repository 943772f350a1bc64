import { type ErrorCode, StarRocksError } from '@srconnect/stream-load-sdk';

/**
 * The error codes the catalog adds to the SDK's {@link ErrorCode} list. Until the SDK's list has them
 * they are carried with a type assertion; match on `err.code` as usual.
 */
export const CATALOG_ERROR_CODES = [
  'SR_SQL',
  'SR_NOT_FOUND',
  'SR_ALTER_FAILED',
  'SR_TYPE',
  'SR_INVALID_NAME',
] as const;

/** One of {@link CATALOG_ERROR_CODES}. */
export type CatalogErrorCode = (typeof CATALOG_ERROR_CODES)[number];

// the catalog's codes are part of the SDK's ErrorCode union
const code = (c: CatalogErrorCode): ErrorCode => c;

/**
 * The server refused a statement. `serverMessage` is StarRocks' own text, `errno`/`sqlState` its
 * MySQL error number and state, `sql` the statement (it never contains a password).
 */
export class SqlError extends StarRocksError {
  readonly errno: number | null;
  readonly sqlState: string | null;
  readonly serverMessage: string;
  readonly sql: string;
  constructor(
    message: string,
    details: { errno: number | null; sqlState: string | null; serverMessage: string; sql: string },
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(code('SR_SQL'), message, options);
    this.errno = details.errno;
    this.sqlState = details.sqlState;
    this.serverMessage = details.serverMessage;
    this.sql = details.sql;
  }
}

/** What {@link NotFoundError} could not find. */
export type MissingObject = 'database' | 'table' | 'column';

/** A database, table or column does not exist. */
export class NotFoundError extends StarRocksError {
  readonly objectType: MissingObject;
  readonly database: string;
  readonly table: string | null;
  readonly column: string | null;
  constructor(
    message: string,
    objectType: MissingObject,
    where: { database: string; table?: string | null; column?: string | null },
    cause?: unknown,
  ) {
    super(code('SR_NOT_FOUND'), message, { cause });
    this.objectType = objectType;
    this.database = where.database;
    this.table = where.table ?? null;
    this.column = where.column ?? null;
  }
}

/** A schema-change job ended CANCELLED; `serverMessage` is the job's `Msg`. */
export class AlterJobError extends StarRocksError {
  readonly database: string;
  readonly table: string;
  readonly jobId: string;
  readonly state: string;
  readonly serverMessage: string;
  constructor(
    message: string,
    details: { database: string; table: string; jobId: string; state: string; serverMessage: string },
  ) {
    super(code('SR_ALTER_FAILED'), message);
    this.database = details.database;
    this.table = details.table;
    this.jobId = details.jobId;
    this.state = details.state;
    this.serverMessage = details.serverMessage;
  }
}

/** A StarRocks type string could not be parsed; `position` is the offset in `input`. */
export class TypeParseError extends StarRocksError {
  readonly input: string;
  readonly position: number;
  constructor(message: string, input: string, position: number) {
    super(code('SR_TYPE'), message);
    this.input = input;
    this.position = position;
  }
}

/** A MySQL/MariaDB column type has no StarRocks mapping (or not in the requested role, e.g. as a key). */
export class TypeMappingError extends StarRocksError {
  readonly mysqlType: string;
  constructor(message: string, mysqlType: string) {
    super(code('SR_TYPE'), message);
    this.mysqlType = mysqlType;
  }
}

/** What kind of name {@link InvalidNameError} refused. */
export type NameKind = 'database' | 'table' | 'column' | 'struct field';

/** A database, table, column or struct field name breaks StarRocks' naming rules (spec §8). */
export class InvalidNameError extends StarRocksError {
  readonly kind: NameKind;
  /** The refused name (`name` is the error class name, as for every error). */
  readonly value: string;
  constructor(message: string, kind: NameKind, value: string) {
    super(code('SR_INVALID_NAME'), message);
    this.kind = kind;
    this.value = value;
  }
}
