import { InvalidOptionError, type Logger, type RetryOptions } from '@srconnect/stream-load-sdk';
import { z } from 'zod';

const Props = z.record(z.string(), z.string()).describe('Stream Load headers, StarRocks spelling');

/** Where and how to connect (passed to the SDK's protocol client). */
export const ConnectionSchema = z
  .strictObject({
    feUrls: z.union([z.string(), z.array(z.string()).min(1)]).describe('FE HTTP addresses'),
    beUrls: z
      .array(z.string())
      .optional()
      .describe('Direct BE HTTP addresses (bypass unreachable redirects)'),
    user: z.string().min(1).describe('User'),
    password: z.string().default('').describe('Password'),
    connectTimeoutMs: z.number().int().positive().optional(),
    socketTimeoutMs: z.number().int().positive().optional(),
    waitForContinueTimeoutMs: z.number().int().positive().optional(),
    labelStateTimeoutMs: z.number().int().nonnegative().optional(),
    redactErrorLog: z.boolean().optional(),
    tls: z.record(z.string(), z.unknown()).optional().describe('TLS options for https FEs'),
  })
  .describe('Connection to StarRocks');

/** Per-table settings, keyed by `database.table`. */
export const TableSchema = z.strictObject({
  columns: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('The table columns rows are written with, in load order'),
  primaryKey: z
    .boolean()
    .default(false)
    .describe('A PRIMARY KEY table: rows carry upsert/delete operations (__op)'),
  properties: Props.default({}),
});

export const SinkOptionsSchema = z.strictObject({
  connection: ConnectionSchema,
  database: z.string().min(1).optional().describe('Default target database'),
  table: z.string().min(1).optional().describe('Default target table'),
  tables: z.record(z.string(), TableSchema).default({}).describe('Settings per `database.table`'),
  format: z.enum(['json', 'csv']).default('json').describe('Body format'),
  columns: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Columns of the default table, in load order'),
  primaryKey: z
    .boolean()
    .default(false)
    .describe('The default table is a PRIMARY KEY table (rows carry __op)'),
  ignoreUpdateBefore: z
    .boolean()
    .default(true)
    .describe('Drop update-before rows (else they become deletes)'),
  partialUpdate: z
    .enum(['off', 'auto'])
    .default('off')
    .describe('auto: a row carrying a subset of the columns is a partial update'),
  flush: z
    .strictObject({
      maxBytes: z.number().int().positive().optional(),
      maxRows: z.number().int().positive().optional(),
      intervalMs: z.number().int().nonnegative().optional(),
    })
    .default({})
    .describe('When a table is flushed'),
  memoryLimitBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Global buffer cap; write() waits above it'),
  chunkSizeBytes: z.number().int().positive().optional().describe('Largest request body'),
  maxInFlightLoads: z.number().int().positive().optional(),
  compression: z.enum(['none', 'gzip']).default('none'),
  retry: z
    .strictObject({
      retries: z.number().int().nonnegative().optional(),
      initialDelayMs: z.number().nonnegative().optional(),
      maxDelayMs: z.number().nonnegative().optional(),
      factor: z.number().min(1).optional(),
      jitter: z.number().min(0).max(1).optional(),
    })
    .default({}),
  labelPrefix: z
    .string()
    .regex(/^[-\w]{1,90}$/, 'letters, digits, _ and -, at most 90 characters')
    .default('srconnect')
    .describe('Prefix of load labels'),
  properties: Props.default({}).describe('Load headers for every table'),
  timeZone: z.enum(['utc', 'local']).default('utc').describe('How JS Dates are rendered'),
  logger: z.custom<Logger>((v) => v === undefined || (typeof v === 'object' && v !== null)).optional(),
});

export type SinkOptions = z.input<typeof SinkOptionsSchema>;
export type ResolvedSinkOptions = z.output<typeof SinkOptionsSchema> & { retry: RetryOptions };

/** Parses options once; every problem becomes one InvalidOptionError whose lines name the option path. */
export function resolveSinkOptions(input: unknown): ResolvedSinkOptions {
  const r = SinkOptionsSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new InvalidOptionError(`invalid sink options:\n${lines.join('\n')}`);
  }
  const o = r.data;
  if ((o.database === undefined) !== (o.table === undefined)) {
    throw new InvalidOptionError('invalid sink options:\ndatabase/table: give both or neither');
  }
  if (o.format === 'csv' && o.database && !o.columns && !o.tables[`${o.database}.${o.table}`]?.columns) {
    throw new InvalidOptionError(
      'invalid sink options:\ncolumns: required with format csv (the load order of the columns)',
    );
  }
  return o as ResolvedSinkOptions;
}
