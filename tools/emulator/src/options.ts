/** Options of {@link startEmulator}. Every port may be 0 (any free port). */
export interface EmulatorOptions {
  /** Loopback address every listener binds to. @default '127.0.0.1' */
  host?: string;
  /** FE HTTP port (StarRocks 8030). @default 0 */
  feHttpPort?: number;
  /** BE HTTP port (StarRocks 8040). @default 0 */
  beHttpPort?: number;
  /** MySQL protocol port (StarRocks 9030). @default 0 */
  queryPort?: number;
  /** BE Thrift port of the read path's scanner, `TStarrocksExternalService` (StarRocks be_port 9060). @default 0 */
  beScannerPort?: number;
  /** Directory whose contents survive a restart; in memory when omitted. */
  dataDir?: string;
  /** Users and passwords. @default { root: '' } */
  users?: Readonly<Record<string, string>>;
  /** Serve the FE HTTP listener over TLS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Period of the transaction sweeper (StarRocks: 30 s). @default 30000 */
  sweepIntervalMs?: number;
  /** Grace added to `idle_transaction_timeout` before the sweeper aborts (StarRocks: 30 s). @default 30 */
  idleGraceSec?: number;
  /** How long finished labels are kept (`label_keep_max_second`). @default 259200 */
  labelKeepMaxSec?: number;
  /** Default `prepared_timeout` (`prepared_transaction_default_timeout_second`). @default 86400 */
  preparedTimeoutSec?: number;
  /** `stream_load_default_timeout_second`. @default 600 */
  streamLoadDefaultTimeoutSec?: number;
  /** BE `streaming_load_max_mb`. @default 102400 */
  streamingLoadMaxMb?: number;
  /** BE `streaming_load_max_batch_size_mb` (JSON body cap). @default 100 */
  streamingLoadMaxBatchSizeMb?: number;
  /** `max_running_txn_num_per_db`. @default 1000 */
  maxRunningTxnPerDb?: number;
  /** How long an asynchronous ALTER TABLE job stays RUNNING. @default 100 */
  alterJobDelayMs?: number;
  /** Period of the scan-context GC (BE `scan_context_gc_interval_min`, 5 minutes). @default 300000 */
  scanContextGcIntervalMs?: number;
  /**
   * How many milliseconds one minute of a scan's `keep_alive_min` lasts, so that tests can see
   * contexts expire quickly. @default 60000
   */
  scanKeepAliveMinuteMs?: number;
  /** Receives internal errors (the emulator never crashes on a request). @default console.error */
  onError?: (err: unknown) => void;
}

/** Options after validation and defaults. */
export interface ResolvedEmulatorOptions {
  readonly host: string;
  readonly feHttpPort: number;
  readonly beHttpPort: number;
  readonly queryPort: number;
  readonly beScannerPort: number;
  readonly dataDir: string | null;
  readonly users: ReadonlyMap<string, string>;
  readonly tls: { cert: string | Buffer; key: string | Buffer } | null;
  readonly sweepIntervalMs: number;
  readonly idleGraceSec: number;
  readonly labelKeepMaxSec: number;
  readonly preparedTimeoutSec: number;
  readonly streamLoadDefaultTimeoutSec: number;
  readonly streamingLoadMaxMb: number;
  readonly streamingLoadMaxBatchSizeMb: number;
  readonly maxRunningTxnPerDb: number;
  readonly alterJobDelayMs: number;
  readonly scanContextGcIntervalMs: number;
  readonly scanKeepAliveMinuteMs: number;
  readonly onError: (err: unknown) => void;
}

const KNOWN = new Set([
  'host',
  'feHttpPort',
  'beHttpPort',
  'queryPort',
  'beScannerPort',
  'dataDir',
  'users',
  'tls',
  'sweepIntervalMs',
  'idleGraceSec',
  'labelKeepMaxSec',
  'preparedTimeoutSec',
  'streamLoadDefaultTimeoutSec',
  'streamingLoadMaxMb',
  'streamingLoadMaxBatchSizeMb',
  'maxRunningTxnPerDb',
  'alterJobDelayMs',
  'scanContextGcIntervalMs',
  'scanKeepAliveMinuteMs',
  'onError',
]);

/** Thrown for invalid emulator options; the message names the option. */
export class InvalidEmulatorOptionError extends Error {
  override readonly name = 'InvalidEmulatorOptionError';
}

function int(
  o: Record<string, unknown>,
  key: string,
  dflt: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidEmulatorOptionError(
      `\`${key}\` must be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/** Validates options once, applying every default. */
export function resolveEmulatorOptions(input: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KNOWN.has(k)) throw new InvalidEmulatorOptionError(`unknown option \`${k}\``);
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '')
    throw new InvalidEmulatorOptionError('`host` must be a non-empty string');
  if (o.dataDir !== undefined && (typeof o.dataDir !== 'string' || o.dataDir === '')) {
    throw new InvalidEmulatorOptionError('`dataDir` must be a non-empty path');
  }
  const users = new Map<string, string>();
  const u = o.users ?? { root: '' };
  if (typeof u !== 'object' || u === null || Array.isArray(u))
    throw new InvalidEmulatorOptionError('`users` must be an object of name → password');
  for (const [name, pw] of Object.entries(u)) {
    if (name === '' || typeof pw !== 'string')
      throw new InvalidEmulatorOptionError(`\`users.${name}\` must be a password string`);
    users.set(name, pw);
  }
  if (users.size === 0) throw new InvalidEmulatorOptionError('`users` must contain at least one user');
  const tls = o.tls as EmulatorOptions['tls'];
  if (tls !== undefined && (!tls?.cert || !tls.key))
    throw new InvalidEmulatorOptionError('`tls` needs both `cert` and `key`');
  if (o.onError !== undefined && typeof o.onError !== 'function')
    throw new InvalidEmulatorOptionError('`onError` must be a function');
  return {
    host,
    feHttpPort: int(o, 'feHttpPort', 0, 0, 65535),
    beHttpPort: int(o, 'beHttpPort', 0, 0, 65535),
    queryPort: int(o, 'queryPort', 0, 0, 65535),
    beScannerPort: int(o, 'beScannerPort', 0, 0, 65535),
    dataDir: (o.dataDir as string | undefined) ?? null,
    users,
    tls: tls ?? null,
    sweepIntervalMs: int(o, 'sweepIntervalMs', 30_000, 10),
    idleGraceSec: int(o, 'idleGraceSec', 30, 0),
    labelKeepMaxSec: int(o, 'labelKeepMaxSec', 259_200, 0),
    preparedTimeoutSec: int(o, 'preparedTimeoutSec', 86_400, 1),
    streamLoadDefaultTimeoutSec: int(o, 'streamLoadDefaultTimeoutSec', 600, 1),
    streamingLoadMaxMb: int(o, 'streamingLoadMaxMb', 102_400, 1),
    streamingLoadMaxBatchSizeMb: int(o, 'streamingLoadMaxBatchSizeMb', 100, 1),
    maxRunningTxnPerDb: int(o, 'maxRunningTxnPerDb', 1000, 1),
    alterJobDelayMs: int(o, 'alterJobDelayMs', 100, 0),
    scanContextGcIntervalMs: int(o, 'scanContextGcIntervalMs', 300_000, 1),
    scanKeepAliveMinuteMs: int(o, 'scanKeepAliveMinuteMs', 60_000, 1),
    onError:
      (o.onError as (err: unknown) => void) ?? ((err: unknown) => console.error('[srconnect-emulator]', err)),
  };
}
