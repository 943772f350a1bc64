import {
  AbortedError,
  AuthError,
  ClosedError,
  NetworkError,
  StarRocksError,
  TimeoutError,
} from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { SqlError } from './errors.js';
import {
  type ConnectionOptions,
  type ResolvedConnectionOptions,
  resolveConnectionOptions,
} from './options.js';

/** How long close() waits for the pool to end. */
const CLOSE_GRACE_MS = 2000;

/** A value bound to a `?` placeholder (escaped by the driver, never spliced as SQL). */
export type SqlValue = string | number | bigint | boolean | null;

/** One result row, keyed by column label. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** Per-statement options. */
export interface QueryOptions {
  /** Aborts the statement (its connection is closed). */
  readonly signal?: AbortSignal;
  /** Bound on the statement, waiting for a connection included. Default: the executor's `queryTimeoutMs`. */
  readonly timeoutMs?: number;
}

/**
 * The small interface the catalog runs SQL through. `query` resolves to the result rows (`[]` for
 * statements without a result set) and rejects with a `StarRocksError`: {@link SqlError} when the
 * server refused the statement, `NetworkError`, `TimeoutError`, `AbortedError`, `AuthError` or
 * `ClosedError` otherwise. Only one statement per call.
 */
export interface SqlExecutor {
  query(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<SqlRow[]>;
  close(): Promise<void>;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'HANDSHAKE_NO_SSL_SUPPORT',
  'HANDSHAKE_SSL_ERROR',
]);

interface DriverError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

/** Replaces a password in a text (only passwords of 4+ characters: shorter ones match too much). */
export function redact(text: string, password: string): string {
  return password.length >= 4 ? text.replaceAll(password, '***') : text;
}

function shorten(sql: string): string {
  return sql.length > 300 ? `${sql.slice(0, 300)}…` : sql;
}

/** The connection facts {@link translateDriverError} needs. */
export type DriverErrorContext = Pick<
  ResolvedConnectionOptions,
  'host' | 'port' | 'user' | 'password' | 'connectTimeoutMs'
>;

/**
 * Turns a mysql2 error into srconnect's errors: `TimeoutError`, `AuthError`, `NetworkError`
 * (retriable), `ClosedError`, or {@link SqlError} for a statement the server refused. Messages never
 * carry the password.
 */
export function translateDriverError(err: unknown, sql: string, o: DriverErrorContext): StarRocksError {
  if (err instanceof StarRocksError) return err;
  const e = (err ?? {}) as DriverError;
  const endpoint = `mysql://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  const message = redact(String(e.message ?? err), o.password);
  const code = e.code ?? '';
  if (code === 'ETIMEDOUT')
    return new TimeoutError(
      `Connecting to ${endpoint} timed out after ${o.connectTimeoutMs} ms`,
      o.connectTimeoutMs,
    );
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') return new TimeoutError(`${message} (${endpoint})`, 0);
  if (code === 'ER_ACCESS_DENIED_ERROR' || e.errno === 1045)
    return new AuthError(
      `${endpoint} refused the credentials of user ${JSON.stringify(o.user)}: ${message}`,
      0,
      message,
    );
  if (NETWORK_CODES.has(code) || (e.fatal === true && e.sqlMessage === undefined))
    return new NetworkError(`Connection to ${endpoint} failed: ${message}`, endpoint, err);
  if (/pool is closed/i.test(message)) return new ClosedError('the catalog was closed');
  const serverMessage = redact(e.sqlMessage ?? message, o.password);
  const details = [
    e.errno === undefined ? null : `errno ${e.errno}`,
    e.sqlState === undefined ? null : `sqlState ${e.sqlState}`,
  ].filter((x) => x !== null);
  return new SqlError(
    `StarRocks refused the statement: ${serverMessage}${details.length > 0 ? ` [${details.join(', ')}]` : ''}\n  statement: ${redact(shorten(sql), o.password)}`,
    { errno: e.errno ?? null, sqlState: e.sqlState ?? null, serverMessage, sql },
    { cause: err },
  );
}

function buildPool(o: ResolvedConnectionOptions): mysql.Pool {
  const ssl =
    o.tls === false
      ? undefined
      : o.tls === true
        ? { rejectUnauthorized: true }
        : {
            ca: o.tls.ca as string | string[] | undefined,
            cert: o.tls.cert as string | string[] | undefined,
            key: o.tls.key as string | string[] | undefined,
            rejectUnauthorized: o.tls.rejectUnauthorized,
            ...(o.tls.servername === undefined ? {} : { servername: o.tls.servername }),
          };
  return mysql.createPool({
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    ...(ssl === undefined ? {} : { ssl }),
    connectionLimit: o.pool.connectionLimit,
    maxIdle: o.pool.maxIdle,
    idleTimeout: o.pool.idleTimeoutMs,
    waitForConnections: true,
    queueLimit: 0,
    connectTimeout: o.connectTimeoutMs,
    enableKeepAlive: true,
    multipleStatements: false,
    namedPlaceholders: false,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
  });
}

/**
 * A {@link SqlExecutor} over a mysql2 connection pool. Values go through `?` placeholders (escaped
 * by mysql2); multiple statements per call are disabled. Each call is bounded by `timeoutMs` (or
 * `queryTimeoutMs`) and may be aborted; a timed-out or aborted statement's connection is closed.
 *
 * @throws {InvalidOptionError} for invalid options.
 */
export function createMysqlExecutor(options: ConnectionOptions = {}): SqlExecutor {
  const o = resolveConnectionOptions(options);
  const pool = buildPool(o);
  // mysql2 emits pool errors on idle connections; they surface on the next query instead
  pool.on('connection', (c) => {
    c.on('error', () => undefined);
  });
  let closed = false;

  return {
    query(sql, params, qo = {}) {
      if (closed) return Promise.reject(new ClosedError('the catalog was closed'));
      if (qo.signal?.aborted)
        return Promise.reject(new AbortedError('the operation was aborted', qo.signal.reason));
      const timeoutMs = qo.timeoutMs ?? o.queryTimeoutMs;
      return new Promise<SqlRow[]>((resolve, reject) => {
        let settled = false;
        let conn: mysql.PoolConnection | null = null;
        const finish = (err: StarRocksError | null, rows: SqlRow[] = [], destroy = false) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          qo.signal?.removeEventListener('abort', onAbort);
          if (conn !== null) {
            if (destroy) conn.destroy();
            else conn.release();
          }
          if (err) reject(err);
          else resolve(rows);
        };
        const onAbort = () =>
          finish(new AbortedError('the operation was aborted', qo.signal?.reason), [], true);
        const timer = setTimeout(
          () =>
            finish(
              new TimeoutError(
                `The statement did not finish within ${timeoutMs} ms: ${redact(shorten(sql), o.password)}`,
                timeoutMs,
              ),
              [],
              true,
            ),
          timeoutMs,
        );
        qo.signal?.addEventListener('abort', onAbort, { once: true });
        pool.getConnection().then(
          (c) => {
            if (settled) {
              c.release();
              return;
            }
            conn = c;
            c.query(sql, params === undefined ? undefined : [...params]).then(
              ([rows]) =>
                finish(
                  null,
                  Array.isArray(rows)
                    ? (rows as object[]).map((r) => ({ ...(r as Record<string, unknown>) }))
                    : [],
                ),
              (err: DriverError) => finish(translateDriverError(err, sql, o), [], err.fatal === true),
            );
          },
          (err: unknown) => finish(translateDriverError(err, sql, o)),
        );
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // pool.end() waits for connections still being opened (up to connectTimeoutMs) and rejects
      // with their failure: closing is bounded and never fails
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        pool.end().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_GRACE_MS);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
