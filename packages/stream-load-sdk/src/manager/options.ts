import { InvalidOptionError } from '../errors.js';
import { type LabelGenerator, randomLabelGenerator, validateLabel } from '../label-generator.js';
import { resolveProperties } from '../options.js';
import type { RowSerializer } from '../serializers/index.js';
import type { StreamLoadProperties } from '../types.js';

/**
 * How loads are committed:
 * - `stream`: at-least-once; each chunk is one Stream Load (auto-commit) with its own label.
 * - `transaction`: at-least-once; each flush of a table is one transaction (begin, loads, commit),
 *   so a flush is all-or-nothing.
 * - `two-phase`: exactly-once building block; data goes into one open transaction per table until
 *   the caller runs `prepare()` and later `commit()` or `abort()`.
 */
export type LoadMode = 'stream' | 'transaction' | 'two-phase';

/** Per-table settings. */
export interface TableOptions {
  readonly database: string;
  readonly table: string;
  /** Turns object/array rows into records; strings/Buffers written for this table are records already. */
  readonly serializer?: RowSerializer;
  /** Load properties for this table (over the manager's and client's). */
  readonly properties?: StreamLoadProperties;
}

/** Options of {@link createLoadManager} (besides the client). */
export interface LoadManagerOptions {
  /** @default 'stream' */
  mode?: LoadMode;
  /** Serializer for tables without their own. Without one, only pre-serialized rows (string/Buffer) may be written. */
  serializer?: RowSerializer;
  /** Load properties for every table. */
  properties?: StreamLoadProperties;
  tables?: readonly TableOptions[];
  /** Flush a table when its buffered bytes reach this. @default 64 MiB (at most half the memory limit) */
  maxBatchBytes?: number;
  /** Flush a table when its buffered rows reach this. @default 1000000 */
  maxBatchRows?: number;
  /** Flush a table whose oldest buffered row is this old. 0 disables. @default 10000 */
  flushIntervalMs?: number;
  /** Largest body of one HTTP request. @default maxBatchBytes */
  chunkSizeBytes?: number;
  /** Global cap on buffered plus in-flight bytes; `write()` waits above it. @default 256 MiB */
  memoryLimitBytes?: number;
  /** Loads in flight at once across tables (each table loads in order, one at a time). @default 2 */
  maxInFlightLoads?: number;
  /** Makes labels; deterministic generators make replays idempotent. @default `{labelPrefix}-{uuid}` */
  labelGenerator?: LabelGenerator;
  /** Prefix of generated labels. */
  labelPrefix?: string;
  /** Transaction `timeout` (seconds) for `transaction` and `two-phase` modes. @default the `timeout` property or 600 */
  transactionTimeoutSec?: number;
  /** `prepared_timeout` (seconds) sent on prepare in `two-phase` mode. */
  preparedTimeoutSec?: number;
  /** Retries of a whole failed transaction in `transaction` mode (same label). @default 3 */
  transactionRetries?: number;
  /**
   * Compress request bodies with gzip (`node:zlib`): CSV is sent as `format: gzip`, JSON with the
   * `compression: gzip` header (StarRocks ≥ 3.2.7). Saves network at some CPU cost.
   */
  compression?: 'gzip' | 'none';
}

export interface ResolvedManagerOptions {
  readonly mode: LoadMode;
  readonly serializer: RowSerializer | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly tables: readonly TableOptions[];
  readonly maxBatchBytes: number;
  readonly maxBatchRows: number;
  readonly flushIntervalMs: number;
  readonly chunkSizeBytes: number;
  readonly memoryLimitBytes: number;
  readonly maxInFlightLoads: number;
  readonly labelGenerator: LabelGenerator;
  readonly transactionTimeoutSec: number;
  readonly preparedTimeoutSec: number | null;
  readonly transactionRetries: number;
  readonly compression: 'gzip' | 'none';
}

const KNOWN = new Set([
  'mode',
  'serializer',
  'properties',
  'tables',
  'maxBatchBytes',
  'maxBatchRows',
  'flushIntervalMs',
  'chunkSizeBytes',
  'memoryLimitBytes',
  'maxInFlightLoads',
  'labelGenerator',
  'labelPrefix',
  'transactionTimeoutSec',
  'preparedTimeoutSec',
  'transactionRetries',
  'compression',
]);

function int(o: Record<string, unknown>, key: string, dflt: number, min: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new InvalidOptionError(`\`${key}\` must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Validates manager options once; errors name the option. */
export function resolveManagerOptions(input: LoadManagerOptions): ResolvedManagerOptions {
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new InvalidOptionError(`unknown option \`${k}\``);
  const mode = o.mode ?? 'stream';
  if (mode !== 'stream' && mode !== 'transaction' && mode !== 'two-phase') {
    throw new InvalidOptionError(
      `\`mode\` must be 'stream', 'transaction' or 'two-phase', got ${JSON.stringify(mode)}`,
    );
  }
  const memoryLimitBytes = int(o, 'memoryLimitBytes', 256 * 1024 * 1024, 1024);
  const maxBatchBytes = int(
    o,
    'maxBatchBytes',
    Math.min(64 * 1024 * 1024, Math.floor(memoryLimitBytes / 2)),
    1,
  );
  if (maxBatchBytes > memoryLimitBytes) {
    throw new InvalidOptionError(
      `\`maxBatchBytes\` (${maxBatchBytes}) must not exceed \`memoryLimitBytes\` (${memoryLimitBytes})`,
    );
  }
  const chunkSizeBytes = int(o, 'chunkSizeBytes', maxBatchBytes, 1);
  const properties = resolveProperties(o.properties, 'properties');
  const tables = (o.tables as TableOptions[] | undefined) ?? [];
  if (!Array.isArray(tables))
    throw new InvalidOptionError('`tables` must be a list of { database, table, serializer?, properties? }');
  tables.forEach((t, i) => {
    if (
      !t ||
      typeof t.database !== 'string' ||
      t.database === '' ||
      typeof t.table !== 'string' ||
      t.table === ''
    ) {
      throw new InvalidOptionError(`\`tables[${i}]\` needs a non-empty \`database\` and \`table\``);
    }
    resolveProperties(t.properties, `tables[${i}].properties`);
  });
  if (o.labelGenerator !== undefined && typeof (o.labelGenerator as LabelGenerator).next !== 'function') {
    throw new InvalidOptionError('`labelGenerator` must have a next(database, table) method');
  }
  const prefix = o.labelPrefix;
  if (prefix !== undefined) validateLabel(`${String(prefix)}-x`, 'labelPrefix');
  const preparedTimeoutSec = o.preparedTimeoutSec === undefined ? null : int(o, 'preparedTimeoutSec', 0, 1);
  return {
    mode,
    serializer: (o.serializer as RowSerializer | undefined) ?? null,
    properties,
    tables,
    maxBatchBytes,
    maxBatchRows: int(o, 'maxBatchRows', 1_000_000, 1),
    flushIntervalMs: int(o, 'flushIntervalMs', 10_000, 0),
    chunkSizeBytes,
    memoryLimitBytes,
    maxInFlightLoads: int(o, 'maxInFlightLoads', 2, 1),
    labelGenerator:
      (o.labelGenerator as LabelGenerator | undefined) ?? randomLabelGenerator(prefix as string | undefined),
    transactionTimeoutSec: int(o, 'transactionTimeoutSec', Number(properties.timeout ?? 600), 1),
    preparedTimeoutSec,
    transactionRetries: int(o, 'transactionRetries', 3, 0),
    compression: compressionOf(o.compression),
  };
}

function compressionOf(v: unknown): 'gzip' | 'none' {
  if (v === undefined || v === 'none') return 'none';
  if (v === 'gzip') return 'gzip';
  throw new InvalidOptionError(`\`compression\` must be 'gzip' or 'none', got ${JSON.stringify(v)}`);
}
