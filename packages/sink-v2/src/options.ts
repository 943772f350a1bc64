import { InvalidOptionError, type Logger } from '@srconnect/stream-load-sdk';
import { z } from 'zod';

const Props = z.record(z.string(), z.string()).describe('Stream Load headers, StarRocks spelling');

export const SinkOptionsSchema = z.strictObject({
  connection: z.strictObject({
    feUrls: z.union([z.string(), z.array(z.string()).min(1)]).describe('FE HTTP addresses'),
    beUrls: z.array(z.string()).optional().describe('Direct BE HTTP addresses'),
    user: z.string().min(1),
    password: z.string().default(''),
    connectTimeoutMs: z.number().int().positive().optional(),
    socketTimeoutMs: z.number().int().positive().optional(),
    waitForContinueTimeoutMs: z.number().int().positive().optional(),
    labelStateTimeoutMs: z.number().int().nonnegative().optional(),
    redactErrorLog: z.boolean().optional(),
    tls: z.record(z.string(), z.unknown()).optional(),
  }),
  semantic: z.enum(['exactly-once', 'at-least-once']).default('exactly-once').describe('Delivery guarantee'),
  labelPrefix: z
    .string()
    .regex(/^[-\w]{1,48}$/, 'letters, digits, _ and -, at most 48 characters')
    .optional()
    .describe(
      'Prefix of transaction labels; required for exactly-once (it is how a restarted writer finds its transactions)',
    ),
  database: z.string().min(1).optional(),
  table: z.string().min(1).optional(),
  tables: z
    .record(
      z.string(),
      z.strictObject({
        columns: z.array(z.string().min(1)).min(1).optional(),
        primaryKey: z.boolean().default(false),
        properties: Props.default({}),
      }),
    )
    .default({})
    .describe('Settings per `database.table`'),
  format: z.enum(['json', 'csv']).default('json'),
  columns: z.array(z.string().min(1)).min(1).optional(),
  primaryKey: z.boolean().default(false),
  ignoreUpdateBefore: z.boolean().default(true),
  flush: z
    .strictObject({
      maxBytes: z.number().int().positive().optional(),
      maxRows: z.number().int().positive().optional(),
      intervalMs: z.number().int().nonnegative().optional().describe('At-least-once: commit interval'),
    })
    .default({}),
  memoryLimitBytes: z.number().int().positive().optional(),
  chunkSizeBytes: z.number().int().positive().optional(),
  maxInFlightLoads: z.number().int().positive().optional(),
  retry: z
    .strictObject({
      retries: z.number().int().nonnegative().optional(),
      initialDelayMs: z.number().nonnegative().optional(),
      maxDelayMs: z.number().nonnegative().optional(),
      factor: z.number().min(1).optional(),
      jitter: z.number().min(0).max(1).optional(),
    })
    .default({}),
  properties: Props.default({}),
  transactionTimeoutSec: z
    .number()
    .int()
    .positive()
    .default(600)
    .describe('Transaction `timeout`: begin → prepare'),
  preparedTimeoutSec: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('`prepared_timeout`: prepare → commit (StarRocks ≥ 3.5.4)'),
  checkpointIntervalMs: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('How often the caller checkpoints (only used to warn about timeouts)'),
  maxProbe: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Upper bound of label probes per (table, subtask) on restore'),
  timeZone: z.enum(['utc', 'local']).default('utc'),
  logger: z.custom<Logger>((v) => v === undefined || (typeof v === 'object' && v !== null)).optional(),
});

export type SinkOptions = z.input<typeof SinkOptionsSchema>;
export type ResolvedSinkOptions = z.output<typeof SinkOptionsSchema>;

/** Parses options once; cross-field rules after. Errors name the option path. */
export function resolveSinkOptions(input: unknown): ResolvedSinkOptions {
  const r = SinkOptionsSchema.safeParse(input);
  const fail = (lines: string[]) => new InvalidOptionError(`invalid sink-v2 options:\n${lines.join('\n')}`);
  if (!r.success) throw fail(r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`));
  const o = r.data;
  if (o.semantic === 'exactly-once' && !o.labelPrefix) {
    throw fail([
      'labelPrefix: required for exactly-once (a restarted writer finds and aborts its own transactions by it)',
    ]);
  }
  if ((o.database === undefined) !== (o.table === undefined))
    throw fail(['database/table: give both or neither']);
  if (o.format === 'csv' && o.database && !o.columns && !o.tables[`${o.database}.${o.table}`]?.columns) {
    throw fail(['columns: required with format csv']);
  }
  if (o.checkpointIntervalMs !== undefined && o.semantic === 'exactly-once') {
    const warn = (msg: string) => o.logger?.warn?.(msg, { checkpointIntervalMs: o.checkpointIntervalMs });
    if (o.checkpointIntervalMs > o.transactionTimeoutSec * 1000) {
      warn(
        `checkpointIntervalMs (${o.checkpointIntervalMs}) exceeds transactionTimeoutSec (${o.transactionTimeoutSec} s): open transactions may time out before a checkpoint prepares them`,
      );
    }
    if (o.preparedTimeoutSec !== undefined && o.checkpointIntervalMs > o.preparedTimeoutSec * 1000) {
      warn(
        `checkpointIntervalMs (${o.checkpointIntervalMs}) exceeds preparedTimeoutSec (${o.preparedTimeoutSec} s): prepared transactions may be aborted before they are committed`,
      );
    }
  }
  return o;
}
