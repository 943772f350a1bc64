import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { z } from 'zod';
import { parseZodOptions } from './internal/zod-options.js';
import type { SqlExecutor } from './sql-executor.js';

const bytes = z.union([z.string(), z.instanceof(Uint8Array)]);
const pem = z.union([bytes, z.array(bytes)]);

const TlsSchema = z.strictObject({
  ca: pem.optional().describe('Trusted CA certificates (PEM).'),
  cert: pem.optional().describe('Client certificate chain (PEM).'),
  key: pem.optional().describe('Client private key (PEM).'),
  rejectUnauthorized: z.boolean().default(true).describe('Refuse servers whose certificate does not verify.'),
  servername: z.string().optional().describe('SNI server name.'),
});

/** The connection options (also those of {@link createMysqlExecutor}). */
export const connectionShape = {
  url: z
    .string()
    .nullable()
    .default(null)
    .describe(
      'mysql://user:password@host:port of the FE query port (user and password percent-encoded). Replaces host, port, user and password, which must then not be given.',
    ),
  host: z.string().min(1).default('127.0.0.1').describe('FE host.'),
  port: z.number().int().min(1).max(65_535).default(9030).describe('FE query port (MySQL protocol).'),
  user: z.string().min(1).default('root').describe('User name.'),
  password: z.string().default('').describe('Password. Never part of an error message.'),
  tls: z
    .union([z.boolean(), TlsSchema])
    .default(false)
    .describe('TLS to the FE: true (system CAs) or { ca, cert, key, rejectUnauthorized, servername }.'),
  pool: z
    .strictObject({
      connectionLimit: z.number().int().min(1).max(1000).default(4).describe('Most open connections.'),
      maxIdle: z.number().int().min(0).max(1000).default(4).describe('Most idle connections kept.'),
      idleTimeoutMs: z
        .number()
        .int()
        .min(1000)
        .default(60_000)
        .describe('Idle connections older than this are closed.'),
    })
    .default({ connectionLimit: 4, maxIdle: 4, idleTimeoutMs: 60_000 })
    .describe('Connection pool.'),
  connectTimeoutMs: z
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('TCP + handshake timeout of a new connection.'),
  queryTimeoutMs: z
    .number()
    .int()
    .min(1)
    .default(60_000)
    .describe(
      'Bound on one statement, waiting for a pool connection included; a call may override it with timeoutMs.',
    ),
};

/** Options of {@link createMysqlExecutor}. */
export const ConnectionOptionsSchema = z.strictObject(connectionShape);

/** Input of {@link ConnectionOptionsSchema}. */
export type ConnectionOptions = z.input<typeof ConnectionOptionsSchema>;

const isExecutor = (v: unknown): v is SqlExecutor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as SqlExecutor).query === 'function' &&
  typeof (v as SqlExecutor).close === 'function';

/** Options of {@link createCatalog}. */
export const CatalogOptionsSchema = z.strictObject({
  ...connectionShape,
  alter: z
    .strictObject({
      timeoutMs: z
        .number()
        .int()
        .min(1)
        .default(1_800_000)
        .describe(
          'Bound on waiting for a schema-change job (SHOW ALTER TABLE COLUMN) to finish; 30 min like Flink CDC.',
        ),
      pollIntervalMs: z
        .number()
        .int()
        .min(1)
        .default(100)
        .describe('First poll delay; doubles up to maxPollIntervalMs.'),
      maxPollIntervalMs: z.number().int().min(1).default(5000).describe('Longest delay between polls.'),
    })
    .default({ timeoutMs: 1_800_000, pollIntervalMs: 100, maxPollIntervalMs: 5000 })
    .describe('Waiting for asynchronous schema changes.'),
  table: z
    .strictObject({
      buckets: z
        .number()
        .int()
        .min(1)
        .nullable()
        .default(null)
        .describe('BUCKETS of created tables that give none.'),
      properties: z
        .record(z.string().min(1), z.string())
        .default({})
        .describe(
          'PROPERTIES of every created table (under the definition\'s own), e.g. { replication_num: "1" }.',
        ),
    })
    .default({ buckets: null, properties: {} })
    .describe('Defaults for CREATE TABLE (Flink: table.num-buckets, table.properties.*).'),
  executor: z
    .custom<SqlExecutor>(isExecutor, { message: 'expected an object with query() and close()' })
    .nullable()
    .default(null)
    .describe(
      'Run SQL through this executor instead of a mysql2 pool (connection options must then not be given).',
    ),
});

/** Options of {@link createCatalog}: every key is optional. */
export type CatalogOptions = z.input<typeof CatalogOptionsSchema>;
/** Options after defaults. */
export type ResolvedCatalogOptions = z.output<typeof CatalogOptionsSchema>;
/** Connection options after defaults, with `url` folded into host/port/user/password. */
export type ResolvedConnectionOptions = Omit<z.output<typeof ConnectionOptionsSchema>, 'url'>;

const URL_FIELDS = ['host', 'port', 'user', 'password'] as const;
const CONNECTION_KEYS = Object.keys(connectionShape);

function applyUrl<T extends z.output<typeof ConnectionOptionsSchema>>(o: T, raw: Record<string, unknown>): T {
  if (o.url === null) return o;
  const given = URL_FIELDS.filter((k) => raw[k] !== undefined);
  if (given.length > 0) {
    throw new InvalidOptionError(`Invalid options:\n${given.join(', ')}: not allowed together with url`);
  }
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    throw new InvalidOptionError(
      'Invalid options:\nurl: not a valid URL (expected mysql://user:password@host:port)',
    );
  }
  const problems: string[] = [];
  if (u.protocol !== 'mysql:') problems.push('url: the scheme must be mysql://');
  if (u.hostname === '') problems.push('url: a host is required');
  if (u.search !== '' || u.hash !== '')
    problems.push('url: query parameters are not supported (use the tls option)');
  const port = u.port === '' ? 9030 : Number(u.port);
  if (problems.length > 0) throw new InvalidOptionError(`Invalid options:\n${problems.join('\n')}`);
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(u.username);
    password = decodeURIComponent(u.password);
  } catch {
    throw new InvalidOptionError('Invalid options:\nurl: the user or password is not valid percent-encoding');
  }
  return {
    ...o,
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user: user === '' ? o.user : user,
    password,
  };
}

/**
 * Validates connection options (see {@link ConnectionOptionsSchema}) and folds `url` in.
 * @throws {InvalidOptionError} whose lines name each option path.
 */
export function resolveConnectionOptions(input: ConnectionOptions = {}): ResolvedConnectionOptions {
  const raw = (input ?? {}) as Record<string, unknown>;
  const { url: _url, ...rest } = applyUrl(parseZodOptions(ConnectionOptionsSchema, raw, 'options'), raw);
  return rest;
}

/**
 * Validates catalog options (see {@link CatalogOptionsSchema}).
 * @throws {InvalidOptionError} whose lines name each option path.
 */
export function resolveCatalogOptions(input: CatalogOptions = {}): ResolvedCatalogOptions {
  const raw = (input ?? {}) as Record<string, unknown>;
  const o = parseZodOptions(CatalogOptionsSchema, raw, 'options');
  if (o.alter.maxPollIntervalMs < o.alter.pollIntervalMs)
    throw new InvalidOptionError(
      'Invalid options:\nalter.maxPollIntervalMs: must be at least alter.pollIntervalMs',
    );
  if (o.executor !== null) {
    const given = CONNECTION_KEYS.filter((k) => raw[k] !== undefined);
    if (given.length > 0)
      throw new InvalidOptionError(
        `Invalid options:\n${given.join(', ')}: not allowed together with executor`,
      );
    return o;
  }
  return applyUrl(o, raw);
}
