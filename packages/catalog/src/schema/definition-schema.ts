import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { z } from 'zod';
import { validateColumnName, validateDatabaseName, validateTableName } from '../ddl/identifier.js';
import { TypeParseError } from '../errors.js';
import { formatIssues } from '../internal/zod-options.js';
import { formatStarRocksType } from '../types/format-type.js';
import { parseStarRocksType } from '../types/parse-type.js';
import {
  MAX_CHAR_LENGTH,
  MAX_DECIMAL256_PRECISION,
  MAX_VARCHAR_LENGTH_LIMIT,
  type SimpleTypeKind,
  type StarRocksType,
} from '../types/starrocks-type.js';
import {
  type AddColumnDefinition,
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type ColumnDefault,
  type ColumnDefinition,
  KEY_MODELS,
  type KeyModel,
  type TableDefinition,
} from './table-schema.js';

const SIMPLE_KINDS: readonly [SimpleTypeKind, ...SimpleTypeKind[]] = [
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'LARGEINT',
  'FLOAT',
  'DOUBLE',
  'DATE',
  'DATETIME',
  'JSON',
  'BITMAP',
  'HLL',
  'PERCENTILE',
];

const length = (max: number) => z.number().int().min(1).max(max);

/** A zod schema of {@link StarRocksType} values (structure and parameter ranges). */
export const StarRocksTypeSchema: z.ZodType<StarRocksType> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.enum(SIMPLE_KINDS) }),
    z
      .strictObject({
        kind: z.literal('DECIMAL'),
        precision: length(MAX_DECIMAL256_PRECISION),
        scale: z.number().int().min(0),
      })
      .refine((d) => d.scale <= d.precision, { message: 'scale must not exceed precision', path: ['scale'] }),
    z.strictObject({ kind: z.literal('CHAR'), length: length(MAX_CHAR_LENGTH) }),
    z.strictObject({ kind: z.literal('VARCHAR'), length: length(MAX_VARCHAR_LENGTH_LIMIT) }),
    z.strictObject({ kind: z.literal('VARBINARY'), length: length(MAX_VARCHAR_LENGTH_LIMIT).nullable() }),
    z.strictObject({ kind: z.literal('ARRAY'), element: StarRocksTypeSchema }),
    z.strictObject({ kind: z.literal('MAP'), key: StarRocksTypeSchema, value: StarRocksTypeSchema }),
    z.strictObject({
      kind: z.literal('STRUCT'),
      fields: z.array(z.strictObject({ name: z.string().min(1), type: StarRocksTypeSchema })).min(1),
    }),
  ]),
);

const typeInput = z.union([z.string(), StarRocksTypeSchema]).transform((value, ctx): StarRocksType => {
  if (typeof value !== 'string') return value;
  try {
    return parseStarRocksType(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof TypeParseError ? err.message : String(err) });
    return z.NEVER;
  }
});

/** Default expressions accepted (written unquoted): a function call with simple arguments. */
const DEFAULT_EXPRESSION = /^[A-Za-z_][\w.]*\s*\([^;'"`()\\]*\)$/;

const DefaultSchema = z.union([
  z.string().transform((value): ColumnDefault => ({ kind: 'literal', value })),
  z.strictObject({ kind: z.literal('literal'), value: z.string() }),
  z.strictObject({ kind: z.literal('current_timestamp') }),
  z.strictObject({
    kind: z.literal('expression'),
    expression: z
      .string()
      .trim()
      .regex(
        DEFAULT_EXPRESSION,
        'must be a function call such as uuid() (no quotes, semicolons or nested parentheses)',
      ),
  }),
]);

const columnShape = {
  name: z.string(),
  type: typeInput,
  nullable: z.boolean().nullable().default(null),
  default: DefaultSchema.nullable().default(null),
  comment: z.string().default(''),
  aggregate: z
    .enum(AGGREGATE_FUNCTIONS as [AggregateFunction, ...AggregateFunction[]])
    .nullable()
    .default(null),
  isKey: z.boolean().optional(),
  position: z.number().optional(),
  columnType: z.string().optional(),
};

const ColumnDefinitionSchema = z.strictObject(columnShape);

const AddColumnDefinitionSchema = z.strictObject({
  ...columnShape,
  after: z.string().optional(),
  first: z.boolean().default(false),
  key: z.boolean().default(false),
});

const TableDefinitionSchema = z.strictObject({
  database: z.string(),
  name: z.string(),
  columns: z.array(ColumnDefinitionSchema).min(1),
  keyModel: z.enum(KEY_MODELS as [KeyModel, ...KeyModel[]]).default('DUPLICATE'),
  keyColumns: z.array(z.string()).default([]),
  distributionType: z.enum(['HASH', 'RANDOM']).nullable().default(null),
  distributionKeys: z.array(z.string()).nullable().default(null),
  buckets: z.number().int().min(1).nullable().default(null),
  sortKeys: z.array(z.string()).default([]),
  comment: z.string().default(''),
  properties: z.record(z.string().min(1), z.string()).default({}),
});

/** A validated column ready for DDL. */
export interface ResolvedColumn {
  readonly name: string;
  readonly type: StarRocksType;
  readonly nullable: boolean;
  readonly default: ColumnDefault | null;
  readonly comment: string;
  readonly aggregate: AggregateFunction | null;
}

/** A validated table ready for DDL: columns ordered keys first, references resolved to column spelling. */
export interface ResolvedTable {
  readonly database: string;
  readonly name: string;
  readonly keyModel: KeyModel;
  readonly columns: readonly ResolvedColumn[];
  readonly keyColumns: readonly string[];
  readonly distributionType: 'HASH' | 'RANDOM';
  readonly distributionKeys: readonly string[];
  readonly buckets: number | null;
  readonly sortKeys: readonly string[] | null;
  readonly comment: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** Catalog-wide defaults for CREATE TABLE (option `table`). */
export interface TableDefaults {
  readonly buckets: number | null;
  readonly properties: Readonly<Record<string, string>>;
}

function invalid(what: string, lines: string[]): InvalidOptionError {
  return new InvalidOptionError(`Invalid ${what}:\n${lines.join('\n')}`);
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw invalid(what, formatIssues(r.error.issues));
  return r.data;
}

type ParsedColumn = z.output<typeof ColumnDefinitionSchema>;

function resolveColumn(
  c: ParsedColumn,
  isPrimaryKey: boolean,
  path: string,
  problems: string[],
): ResolvedColumn {
  validateColumnName(c.name);
  try {
    formatStarRocksType(c.type); // validates struct field names
  } catch (err) {
    problems.push(`${path}.type: ${(err as Error).message}`);
  }
  if (isPrimaryKey && c.nullable === true)
    problems.push(`${path}.nullable: a Primary Key column cannot be nullable`);
  const nullable = c.nullable ?? !isPrimaryKey;
  if (c.default?.kind === 'current_timestamp' && c.type.kind !== 'DATETIME')
    problems.push(`${path}.default: CURRENT_TIMESTAMP is only a default of DATETIME columns`);
  return {
    name: c.name,
    type: c.type,
    nullable,
    default: c.default,
    comment: c.comment,
    aggregate: c.aggregate,
  };
}

/**
 * Validates a table definition and applies defaults: names (spec §8), types, key/distribution/sort
 * columns that exist (matched case-insensitively), aggregate functions where the model needs them.
 * @throws {InvalidOptionError} naming each problem's path; {@link InvalidNameError} for a bad name.
 */
export function resolveTableDefinition(input: TableDefinition, defaults: TableDefaults): ResolvedTable {
  const d = parse(TableDefinitionSchema, input, 'table definition');
  validateDatabaseName(d.database);
  validateTableName(d.name);
  const problems: string[] = [];
  const byLower = new Map<string, number>();
  d.columns.forEach((c, i) => {
    const lower = c.name.toLowerCase();
    if (byLower.has(lower)) problems.push(`columns.${i}.name: duplicate column ${JSON.stringify(c.name)}`);
    else byLower.set(lower, i);
  });
  const resolveList = (list: readonly string[], field: string): string[] => {
    const seen = new Set<string>();
    return list.map((n, i) => {
      const idx = byLower.get(n.toLowerCase());
      if (idx === undefined) {
        problems.push(`${field}.${i}: no column named ${JSON.stringify(n)}`);
        return n;
      }
      if (seen.has(n.toLowerCase())) problems.push(`${field}.${i}: ${JSON.stringify(n)} is listed twice`);
      seen.add(n.toLowerCase());
      return d.columns[idx]!.name;
    });
  };
  const keyColumns = resolveList(d.keyColumns, 'keyColumns');
  if (d.keyModel !== 'DUPLICATE' && keyColumns.length === 0)
    problems.push(`keyColumns: a ${d.keyModel} KEY table needs key columns`);
  const keySet = new Set(keyColumns.map((k) => k.toLowerCase()));
  const isPk = d.keyModel === 'PRIMARY';
  const columnsByIndex = d.columns.map((c, i) => {
    const isKey = keySet.has(c.name.toLowerCase());
    if (c.isKey !== undefined && c.isKey !== isKey)
      problems.push(`columns.${i}.isKey: ${c.isKey} disagrees with keyColumns`);
    if (d.keyModel === 'AGGREGATE' && !isKey && c.aggregate === null)
      problems.push(
        `columns.${i}.aggregate: a value column of an AGGREGATE KEY table needs an aggregate function`,
      );
    if ((d.keyModel !== 'AGGREGATE' || isKey) && c.aggregate !== null)
      problems.push(
        `columns.${i}.aggregate: only value columns of AGGREGATE KEY tables have an aggregate function`,
      );
    return resolveColumn(c, isPk && isKey, `columns.${i}`, problems);
  });
  const keyFirst = [
    ...keyColumns
      .map((k) => columnsByIndex[byLower.get(k.toLowerCase()) ?? -1])
      .filter((c) => c !== undefined),
    ...columnsByIndex.filter((c) => !keySet.has(c.name.toLowerCase())),
  ];
  const distributionKeys = resolveList(d.distributionKeys ?? keyColumns, 'distributionKeys');
  const distributionType = d.distributionType ?? (distributionKeys.length > 0 ? 'HASH' : 'RANDOM');
  if (distributionType === 'HASH' && distributionKeys.length === 0)
    problems.push('distributionKeys: HASH distribution needs columns (give keyColumns or distributionKeys)');
  if (distributionType === 'RANDOM' && d.distributionKeys !== null && d.distributionKeys.length > 0)
    problems.push('distributionKeys: RANDOM distribution takes no columns');
  const sortKeys = resolveList(d.sortKeys, 'sortKeys');
  const sameAsKeys =
    sortKeys.length === keyColumns.length &&
    sortKeys.every((s, i) => s.toLowerCase() === keyColumns[i]!.toLowerCase());
  if (problems.length > 0) throw invalid('table definition', problems);
  return {
    database: d.database,
    name: d.name,
    keyModel: d.keyModel,
    columns: keyFirst,
    keyColumns,
    distributionType,
    distributionKeys: distributionType === 'RANDOM' ? [] : distributionKeys,
    buckets: d.buckets ?? defaults.buckets,
    sortKeys: sortKeys.length === 0 || sameAsKeys ? null : sortKeys,
    comment: d.comment,
    properties: { ...defaults.properties, ...d.properties },
  };
}

/** A validated column to add. */
export interface ResolvedAddColumn extends ResolvedColumn {
  readonly after: string | null;
  readonly first: boolean;
  readonly key: boolean;
}

/**
 * Validates columns for ALTER TABLE ADD COLUMN.
 * @throws {InvalidOptionError} / {@link InvalidNameError}
 */
export function resolveAddColumns(input: readonly AddColumnDefinition[]): ResolvedAddColumn[] {
  const list = parse(z.array(AddColumnDefinitionSchema).min(1), input, 'columns to add');
  const problems: string[] = [];
  const out = list.map((c, i) => {
    if (c.after !== undefined && c.first) problems.push(`${i}: give either after or first, not both`);
    if (c.after !== undefined) validateColumnName(c.after);
    const col = resolveColumn({ ...c }, false, String(i), problems);
    return { ...col, after: c.after ?? null, first: c.first, key: c.key };
  });
  if (problems.length > 0) throw invalid('columns to add', problems);
  return out;
}

/**
 * Validates one column definition (MODIFY COLUMN).
 * @throws {InvalidOptionError} / {@link InvalidNameError}
 */
export function resolveColumnDefinition(input: ColumnDefinition): ResolvedColumn {
  const c = parse(ColumnDefinitionSchema, input, 'column definition');
  const problems: string[] = [];
  const col = resolveColumn(c, false, 'column', problems);
  if (problems.length > 0) throw invalid('column definition', problems);
  return col;
}

/**
 * Validates a type given as text or as a {@link StarRocksType}.
 * @throws {InvalidOptionError} / {@link TypeParseError}
 */
export function resolveType(input: StarRocksType | string): StarRocksType {
  if (typeof input === 'string') return parseStarRocksType(input);
  return parse(StarRocksTypeSchema, input, 'type');
}
