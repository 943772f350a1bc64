import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { z } from 'zod';
import type { Filter } from './filter.js';

/** Node timers fire at once above this (2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;
const MAX_I32 = 2_147_483_647;
const MAX_I64 = 2n ** 63n - 1n;

const isFunction = (v: unknown): v is (address: string) => string => typeof v === 'function';

const feUrl = z
  .string()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'must be an http(s)://host:port URL without credentials (give user/password separately)')
  .transform((s) => s.replace(/\/+$/, ''));

/** Options of {@link createSource}, validated once (zod). Defaults follow the Flink source where it has one. */
export const SourceOptionsSchema = z.strictObject({
  /** FE HTTP URLs (`http://fe:8030`); a plan request tries them in turn. */
  feUrls: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(feUrl).min(1)),
  user: z.string().min(1),
  password: z.string().default(''),
  database: z.string().min(1),
  table: z.string().min(1),
  /** Columns to read, in this order (default: every column). Pruned at the BE. */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** Rows to keep, evaluated by StarRocks (partition and bucket pruning included). */
  filter: z
    .custom<Filter>(
      (v) => typeof v === 'object' && v !== null && 'op' in v,
      'must be a filter built with f.*',
    )
    .optional(),
  /** `batch_size` of `open_scanner`: rows per batch, in (0, 65536]. */
  batchRows: z.number().int().min(1).max(65_536).default(4096),
  /** Scanners read at once (over all BEs). */
  parallelism: z.number().int().min(1).max(256).default(4),
  /** `keep_alive_min`: how long the BE keeps an idle scan context. */
  keepAliveMin: z.number().int().min(1).max(32_767).default(10),
  /** `query_timeout` in seconds. */
  queryTimeoutS: z.number().int().min(1).max(MAX_I32).default(600),
  /** `mem_limit` in bytes for each scanner's fragment. */
  memLimitBytes: z
    .union([z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), z.bigint().min(1n).max(MAX_I64)])
    .default(1_073_741_824)
    .transform((v) => BigInt(v)),
  /** Further attempts after a failed plan request or scanner open (with `retryBackoffMs` × attempt between). */
  maxRetries: z.number().int().min(0).max(20).default(2),
  retryBackoffMs: z.number().int().min(0).max(MAX_TIMER_MS).default(1000),
  connectTimeoutMs: z.number().int().min(1).max(MAX_TIMER_MS).default(10_000),
  /** Longest wait for one reply (a query plan or a batch). */
  socketTimeoutMs: z.number().int().min(1).max(MAX_TIMER_MS).default(120_000),
  /** Planned BE address → reachable address (`'172.17.0.2:9060': 'localhost:19060'`), or a function. */
  backendAddressMap: z
    .union([z.record(z.string(), z.string()), z.custom<(address: string) => string>(isFunction)])
    .optional(),
  /** Extra `properties` of `open_scanner`. */
  properties: z.record(z.string(), z.string()).default({}),
  /** Sent as the `warehouse` header of the plan request (shared-data clusters). */
  warehouse: z.string().min(1).optional(),
  /** TLS options for https FE URLs (e.g. `{ ca }`), passed to the HTTP client. */
  tls: z.record(z.string(), z.unknown()).optional(),
  /** The FE MySQL port, used by `count()`. */
  mysql: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535).default(9030),
      ssl: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

export type SourceOptions = Omit<z.input<typeof SourceOptionsSchema>, 'feUrls' | 'columns'> & {
  /** FE HTTP URLs (`http://fe:8030`): one, or several tried in turn. */
  readonly feUrls: string | readonly string[];
  /** Columns to read, in this order (default: every column). */
  readonly columns?: readonly string[];
};
export type ResolvedSourceOptions = z.output<typeof SourceOptionsSchema>;

/** Validates and fills defaults; the error names every bad option. */
export function resolveSourceOptions(input: unknown): ResolvedSourceOptions {
  const r = SourceOptionsSchema.safeParse(input);
  if (!r.success) {
    throw new InvalidOptionError(
      `invalid source options:\n${r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('\n')}`,
    );
  }
  return r.data;
}
