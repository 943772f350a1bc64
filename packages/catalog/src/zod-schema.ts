import { z } from 'zod';
import { checkValue, describeValue, type ValueIssue } from './internal/value-check.js';
import type { ColumnSchema } from './schema/table-schema.js';

/** The column fields {@link toZodSchema} reads (a {@link ColumnSchema} has them all). */
export type ZodSchemaColumn = Pick<ColumnSchema, 'name' | 'type' | 'nullable'> &
  Partial<Pick<ColumnSchema, 'default' | 'isKey'>>;

/** Options of {@link toZodSchema}. */
export interface ZodSchemaOptions {
  /**
   * Rows of a partial update: only key columns are required (the others may be missing, though
   * never null when NOT NULL). @default false
   */
  readonly partial?: boolean;
  /** Rows carry the operation column `__op` (`'upsert'`, `'delete'`, `0` or `1`), required. @default false */
  readonly withOp?: boolean;
}

/** The zod schema of a row: one key per column (strict: unknown keys are refused). */
export type RowSchema = z.ZodObject<Record<string, z.ZodType>, z.core.$strict>;

function columnSchema(c: ZodSchemaColumn, partial: boolean): z.ZodType {
  const required = !c.nullable && (c.default ?? null) === null && !(partial && c.isKey !== true);
  const schema = z.unknown().superRefine((value, ctx) => {
    if (value === undefined) {
      if (required)
        ctx.addIssue({ code: 'custom', message: `required: ${c.name} is NOT NULL and has no default` });
      return;
    }
    if (value === null) {
      if (!c.nullable) ctx.addIssue({ code: 'custom', message: `${c.name} is NOT NULL` });
      return;
    }
    const issues: ValueIssue[] = [];
    checkValue(c.type, value, [], issues);
    for (const issue of issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] });
  });
  // zod reports a missing non-optional key itself unless a refinement speaks first: optional
  // columns must be marked so
  return required ? schema : schema.optional();
}

/**
 * A zod schema that checks a row before it is loaded: every column's value against its type
 * (integer ranges up to LARGEINT, DECIMAL precision and scale, CHAR/VARCHAR/VARBINARY byte lengths
 * in UTF-8, DATE/DATETIME text or Date, JSON values, ARRAY/MAP/STRUCT recursively), nullability
 * (NOT NULL columns without a default are required and never null), and no unknown keys. Each
 * issue's `path` starts with the column name (then array indexes, map keys, struct fields); string
 * contents never appear in messages. The values are not transformed.
 *
 * Row keys must spell the column names exactly as the table does.
 */
export function toZodSchema(
  table: { readonly columns: readonly ZodSchemaColumn[] },
  options: ZodSchemaOptions = {},
): RowSchema {
  const shape: Record<string, z.ZodType> = {};
  for (const c of table.columns) {
    // defineProperty: a column may be named `__proto__`
    Object.defineProperty(shape, c.name, {
      value: columnSchema(c, options.partial === true),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (options.withOp) {
    shape.__op = z.unknown().superRefine((value, ctx) => {
      if (value !== 'upsert' && value !== 'delete' && value !== 0 && value !== 1)
        ctx.addIssue({
          code: 'custom',
          message: `expected 'upsert', 'delete', 0 or 1, got ${describeValue(value)}`,
        });
    });
  }
  return z.strictObject(shape);
}
