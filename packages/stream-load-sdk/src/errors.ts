/** Stable error codes; match on `err.code` rather than on messages. */
export const ERROR_CODES = [
  'SR_INVALID_OPTION',
  'SR_NETWORK',
  'SR_TIMEOUT',
  'SR_ABORTED',
  'SR_AUTH',
  'SR_HTTP',
  'SR_PROTOCOL',
  'SR_LOAD_FAILED',
  'SR_LABEL_EXISTS',
  'SR_TXN_FAILED',
  'SR_RETRIES_EXHAUSTED',
  'SR_SERIALIZATION',
  'SR_CLOSED',
  // @srconnect/catalog
  'SR_SQL',
  'SR_NOT_FOUND',
  'SR_ALTER_FAILED',
  'SR_TYPE',
  'SR_INVALID_NAME',
  // @srconnect/source
  'SR_SCAN',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const BRAND = Symbol.for('srconnect.starrocks.error');

export interface StarRocksErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
}

/**
 * The root of every error the srconnect packages throw. `code` is stable; `retriable` says whether
 * repeating the same operation (with the same label) may succeed. `instanceof` works across
 * duplicate copies of the package.
 */
export class StarRocksError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: StarRocksErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    Object.defineProperty(this, BRAND, { value: code });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: subclasses keep the ordinary prototype check
    if (this !== StarRocksError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && BRAND in value;
  }
}

/** An option failed validation; the message names the option. */
export class InvalidOptionError extends StarRocksError {
  constructor(message: string) {
    super('SR_INVALID_OPTION', message);
  }
}

/** A connection could not be made or broke (refused, reset, DNS, TLS). Retriable. */
export class NetworkError extends StarRocksError {
  readonly url: string;
  constructor(message: string, url: string, cause?: unknown) {
    super('SR_NETWORK', message, { retriable: true, cause });
    this.url = url;
  }
}

/** A wait ran past its limit (connect, socket inactivity, 100-continue, label polling, flush). Retriable. */
export class TimeoutError extends StarRocksError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, cause?: unknown) {
    super('SR_TIMEOUT', message, { retriable: true, cause });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends StarRocksError {
  constructor(message = 'the operation was aborted', cause?: unknown) {
    super('SR_ABORTED', message, { cause });
  }
}

/** The server refused the credentials (FE 401, or an access-denied load). Not retriable. */
export class AuthError extends StarRocksError {
  readonly httpStatus: number;
  readonly serverMessage: string;
  constructor(message: string, httpStatus: number, serverMessage: string) {
    super('SR_AUTH', message);
    this.httpStatus = httpStatus;
    this.serverMessage = serverMessage;
  }
}

/** An HTTP status the protocol does not expect (404, 500, a redirect loop…). 5xx are retriable unless said otherwise. */
export class HttpStatusError extends StarRocksError {
  readonly httpStatus: number;
  readonly url: string;
  readonly body: string;
  constructor(message: string, httpStatus: number, url: string, body: string, retriable = httpStatus >= 500) {
    super('SR_HTTP', message, { retriable });
    this.httpStatus = httpStatus;
    this.url = url;
    this.body = body;
  }
}

/** A reply that is not what the protocol defines (not JSON, no Status). */
export class ProtocolError extends StarRocksError {
  readonly body: string;
  constructor(message: string, body: string) {
    super('SR_PROTOCOL', message);
    this.body = body;
  }
}

/** Details the server gave about a failed load or transaction operation. */
export interface ServerFailure {
  readonly label: string;
  readonly txnId: number | null;
  readonly httpStatus: number;
  /** The reply's `Status` (`Fail`, `INTERNAL_ERROR`, `FAILED`, …). */
  readonly status: string;
  readonly serverMessage: string;
  readonly errorUrl: string | null;
  /** The first lines of the error log behind `errorUrl`, when fetched. */
  readonly errorLog: string | null;
}

/** A Stream Load (or a transaction load) that the server rejected. */
export class StreamLoadError extends StarRocksError implements ServerFailure {
  declare readonly label: string;
  declare readonly txnId: number | null;
  declare readonly httpStatus: number;
  declare readonly status: string;
  declare readonly serverMessage: string;
  declare readonly errorUrl: string | null;
  declare readonly errorLog: string | null;
  constructor(message: string, f: ServerFailure, retriable = false) {
    super('SR_LOAD_FAILED', message, { retriable });
    assignFailure(this, f);
  }
}

/** Copies the server's answer onto an error (only the fields of {@link ServerFailure}). */
function assignFailure(target: object, f: ServerFailure): void {
  const { label, txnId, httpStatus, status, serverMessage, errorUrl, errorLog } = f;
  Object.assign(target, { label, txnId, httpStatus, status, serverMessage, errorUrl, errorLog });
}

/** The label is held by a transaction that did not finish within the polling bound. */
export class LabelExistsError extends StarRocksError {
  readonly label: string;
  readonly state: string;
  constructor(message: string, label: string, state: string) {
    super('SR_LABEL_EXISTS', message, { retriable: true });
    this.label = label;
    this.state = state;
  }
}

/** A transaction operation (begin, prepare, commit, rollback) failed. */
export class TransactionError extends StarRocksError implements ServerFailure {
  readonly operation: 'begin' | 'load' | 'prepare' | 'commit' | 'rollback' | 'state';
  declare readonly label: string;
  declare readonly txnId: number | null;
  declare readonly httpStatus: number;
  declare readonly status: string;
  declare readonly serverMessage: string;
  declare readonly errorUrl: string | null;
  declare readonly errorLog: string | null;
  constructor(
    message: string,
    operation: TransactionError['operation'],
    f: ServerFailure,
    retriable = false,
  ) {
    super('SR_TXN_FAILED', message, { retriable });
    this.operation = operation;
    assignFailure(this, f);
  }
}

/** Every attempt failed; `cause` is the last failure. */
export class RetriesExhaustedError extends StarRocksError {
  readonly retryCount: number;
  constructor(message: string, retryCount: number, cause: unknown) {
    super('SR_RETRIES_EXHAUSTED', message, { cause });
    this.retryCount = retryCount;
  }
}

/** A row or value cannot be serialized; the message names the row and column. */
export class SerializationError extends StarRocksError {
  readonly column: string | null;
  readonly rowIndex: number | null;
  constructor(message: string, column: string | null = null, rowIndex: number | null = null) {
    super('SR_SERIALIZATION', message);
    this.column = column;
    this.rowIndex = rowIndex;
  }
}

/** The client or manager was closed. */
export class ClosedError extends StarRocksError {
  constructor(message = 'closed') {
    super('SR_CLOSED', message);
  }
}
