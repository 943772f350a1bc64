import { gunzipSync, inflateSync } from 'node:zlib';
import { type ColumnSchema, findColumn, type TableSchema } from '../catalog/table-schema.js';
import { readCsv } from './csv-reader.js';
import { compileExpr, type Evaluator, PlanError, type Value } from './expression-evaluator.js';
import { evalJsonPath, JsonBodyError, parseJsonPath, readJsonRows } from './json-reader.js';
import { type ColumnMapping, LoadRejectedError, type LoadSpec } from './load-spec.js';
import {
  type Converter,
  compileConverter,
  conversionError,
  INVALID,
  JsonNumber,
  stagedBytes,
} from './value-converter.js';

const NUMERIC_KINDS = new Set([
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'LARGEINT',
  'FLOAT',
  'DOUBLE',
  'DECIMAL',
]);

export const OP_UPSERT = 0;
export const OP_DELETE = 1;

/** Rows produced by one load request, ready to stage (values in table column order, canonical text). */
export interface LoadBatch {
  readonly rows: (string | null)[][];
  readonly ops: number[];
  total: number;
  loaded: number;
  filtered: number;
  unselected: number;
  /** Error-log lines (capped). */
  readonly errors: string[];
  /** A structural error that fails the whole load (JSON); the batch is then discarded. */
  fatal: string | null;
}

/** How each table column gets its value in a load. */
interface ColumnSource {
  readonly column: ColumnSchema;
  readonly convert: Converter;
  /** Index into the source fields, or an expression, or neither (default / untouched). */
  readonly fieldIndex: number;
  readonly expr: Evaluator | null;
  readonly provided: boolean;
}

export const MAX_ERROR_LOG_LINES = 1000;
/** Field-count mismatches written to the error log per load (spec §3.1). */
export const MAX_COUNT_MISMATCH_LINES = 50;

/** A compiled load: the table, the spec, and how each column is computed. */
export class LoadPlan {
  readonly sources: readonly ColumnSource[];
  /** Source column names, lower case (for lookups) and as written (JSON keys are case-sensitive). */
  readonly sourceNames: readonly string[];
  readonly sourceKeys: readonly string[];
  readonly opIndex: number;
  readonly opExpr: Evaluator | null;
  readonly hasOp: boolean;
  /** Names of table columns the load writes (all for a full-row load). */
  readonly providedColumns: readonly string[];
  readonly where: Evaluator | null;
  readonly jsonPaths: ReturnType<typeof parseJsonPath>[] | null;
  /** Source fields that feed a JSON column directly: a JSON string value stays a JSON string. */
  readonly jsonStringFields: ReadonlySet<number>;
  readonly #columnIndex: ReadonlyMap<string, number>;
  readonly #numeric: readonly boolean[];
  /** Which table columns are VARBINARY (converted to hex, read back as bytes by `where`). */
  readonly #binary: readonly boolean[];

  readonly table: TableSchema;
  readonly spec: LoadSpec;

  constructor(table: TableSchema, spec: LoadSpec) {
    this.table = table;
    this.spec = spec;
    const tableColumns = table.columns.map((c) => ({ name: c.name }));
    // with no columns header, or one that only derives columns (`__op='delete'`), the body's
    // fields are the table's columns in order
    const mappings: readonly ColumnMapping[] = !spec.columns
      ? tableColumns
      : spec.columns.every((m) => m.expr)
        ? [...tableColumns, ...spec.columns]
        : spec.columns;
    this.sourceKeys = mappings.filter((m) => !m.expr).map((m) => m.name);
    this.sourceNames = this.sourceKeys.map((n) => n.toLowerCase());
    const isPk = table.keysType === 'PRIMARY_KEYS';
    let opIndex = -1;
    let opExpr: Evaluator | null = null;
    const byName = new Map<string, { fieldIndex: number; expr: Evaluator | null }>();
    let fieldIndex = 0;
    for (const m of mappings) {
      const lower = m.name.toLowerCase();
      const entry = m.expr
        ? { fieldIndex: -1, expr: compileExpr(m.expr) }
        : { fieldIndex: fieldIndex++, expr: null };
      if (lower === '__op') {
        opIndex = entry.fieldIndex;
        opExpr = entry.expr;
        continue;
      }
      if (m.expr && !findColumn(table, m.name)) {
        throw new PlanError(`Unknown column '${m.name}' in '${table.name}'`);
      }
      if (!byName.has(lower)) byName.set(lower, entry);
    }
    this.opIndex = opIndex;
    this.opExpr = opExpr;
    this.hasOp = opIndex >= 0 || opExpr !== null;
    if (this.hasOp && !isPk) {
      throw new PlanError(`__op is only supported by PRIMARY KEY tables, '${table.name}' is not one`);
    }
    if (spec.partialUpdate && !isPk) {
      throw new PlanError(
        `partial update is only supported by PRIMARY KEY tables, '${table.name}' is not one`,
      );
    }
    this.sources = table.columns.map((column) => {
      const m = byName.get(column.name.toLowerCase());
      return {
        column,
        convert: compileConverter(column.type),
        fieldIndex: m?.fieldIndex ?? -1,
        expr: m?.expr ?? null,
        provided: m !== undefined,
      };
    });
    this.providedColumns = this.sources.filter((s) => s.provided).map((s) => s.column.name);
    this.jsonStringFields = new Set(
      this.sources.filter((s) => s.fieldIndex >= 0 && s.column.type.kind === 'JSON').map((s) => s.fieldIndex),
    );
    if (spec.partialUpdate) {
      for (const k of table.keys) {
        if (!this.providedColumns.some((p) => p.toLowerCase() === k.toLowerCase())) {
          throw new PlanError(`partial update must include all primary key columns, missing '${k}'`);
        }
      }
    }
    if (spec.mergeCondition !== null) {
      const c = findColumn(table, spec.mergeCondition);
      if (!isPk) throw new PlanError('merge_condition is only supported by PRIMARY KEY tables');
      if (!c) throw new PlanError(`Merge condition column ${spec.mergeCondition} does not exist`);
      if (c.isKey)
        throw new PlanError(`Merge condition column ${spec.mergeCondition} can not be a primary key column`);
    }
    this.where = spec.where ? compileExpr(spec.where) : null;
    // for `where`: table columns by lower-case name, and which compare as numbers
    this.#columnIndex = new Map(this.sources.map((src, i) => [src.column.name.toLowerCase(), i]));
    this.#numeric = this.sources.map((src) => NUMERIC_KINDS.has(src.column.type.kind));
    this.#binary = this.sources.map((src) => src.column.type.kind === 'VARBINARY');
    this.jsonPaths = spec.jsonPaths ? spec.jsonPaths.map((p) => parseJsonPath(p)) : null;
  }

  /** The body with the load's compression (gzip/deflate format) undone. */
  decompress(body: Buffer): Buffer {
    if (this.spec.compression === 'gzip') return gunzipSync(body);
    if (this.spec.compression === 'deflate') return inflateSync(body);
    return body;
  }

  /**
   * Decompresses, parses and converts a body. `skipHeader` overrides the spec's (a transaction
   * skips header lines only at the start of its stream).
   */
  execute(body: Buffer, opts: { skipHeader?: number; decompressed?: boolean } = {}): LoadBatch {
    const batch: LoadBatch = {
      rows: [],
      ops: [],
      total: 0,
      loaded: 0,
      filtered: 0,
      unselected: 0,
      errors: [],
      fatal: null,
    };
    let countMismatches = 0;
    const data = opts.decompressed ? body : this.decompress(body);
    if (this.spec.format === 'csv') {
      const expected = this.sourceNames.length;
      const format =
        opts.skipHeader === undefined ? this.spec : { ...this.spec, skipHeader: opts.skipHeader };
      readCsv(data, format, (fields, line, error) => {
        batch.total++;
        if (fields === null) this.#reject(batch, error ?? 'invalid row', line);
        else if (fields.length !== expected) {
          // every such row counts, but at most 50 of them are written to the error log
          this.#reject(
            batch,
            `Value count does not match column count. Expect ${expected}, but got ${fields.length}`,
            line,
            ++countMismatches <= MAX_COUNT_MISMATCH_LINES,
          );
        } else this.#row(batch, fields, line);
      });
    } else {
      let objects: unknown[];
      try {
        objects = readJsonRows(data.toString('utf8'), this.spec);
      } catch (err) {
        if (!(err instanceof JsonBodyError)) throw err;
        batch.total++;
        this.#reject(batch, err.message, err.snippet);
        batch.fatal = err.message;
        return batch;
      }
      for (const obj of objects) {
        batch.total++;
        if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
          this.#reject(batch, 'JSON value is not an object', JSON.stringify(obj) ?? 'null');
          continue;
        }
        this.#row(batch, this.#jsonFields(obj as Record<string, unknown>), JSON.stringify(obj));
      }
    }
    return batch;
  }

  #jsonFields(obj: Record<string, unknown>): Value[] {
    const fields: Value[] = new Array(this.sourceNames.length);
    for (let i = 0; i < this.sourceNames.length; i++) {
      let v: unknown;
      if (this.jsonPaths) {
        const p = this.jsonPaths[i];
        v = p ? evalJsonPath(obj, p) : undefined;
      } else {
        const key = this.sourceKeys[i]!;
        v = Object.hasOwn(obj, key) ? obj[key] : undefined;
      }
      if (typeof v === 'string' && this.jsonStringFields.has(i)) v = JSON.stringify(v);
      fields[i] = v === undefined ? (this.sourceNames[i] === '__op' ? 0 : null) : (v as Value);
    }
    return fields;
  }

  #reject(batch: LoadBatch, reason: string, line: string, log = true): void {
    batch.filtered++;
    if (log && batch.errors.length < MAX_ERROR_LOG_LINES) {
      batch.errors.push(`Error: ${reason}. Row: ${line.length > 1000 ? `${line.slice(0, 1000)}...` : line}`);
    }
  }

  #row(batch: LoadBatch, fields: readonly Value[], line: string) {
    const sources = this.sources;
    const out: (string | null)[] = new Array(sources.length);
    const strict = this.spec.strictMode;
    let lookup: ((n: string) => Value) | null = null;
    const getLookup = () => {
      lookup ??= (n: string) => {
        const i = this.sourceNames.indexOf(n);
        return i >= 0 ? (fields[i] ?? null) : null;
      };
      return lookup;
    };
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i]!;
      let raw: Value;
      if (s.fieldIndex >= 0) raw = fields[s.fieldIndex] ?? null;
      else if (s.expr) {
        raw = s.expr(getLookup());
        if (typeof raw === 'number') raw = String(raw);
      } else if (!s.provided) {
        if (this.spec.partialUpdate) {
          out[i] = null;
          continue;
        }
        const d = s.column.default;
        raw = d === null ? null : d.kind === 'literal' ? d.value : currentTimestamp();
      } else raw = null;
      let v = s.convert(raw);
      if (v === INVALID) {
        if (strict) return this.#reject(batch, conversionError(s.column.name, s.column.type, raw), line);
        v = null;
      }
      if (v === null && !s.column.nullable) {
        const why =
          raw === null
            ? `NULL value in non-nullable column '${s.column.name}'`
            : `${conversionError(s.column.name, s.column.type, raw)}, and the column is NOT NULL`;
        return this.#reject(batch, why, line);
      }
      out[i] = v;
    }
    let op = OP_UPSERT;
    if (this.hasOp) {
      const raw = this.opExpr ? this.opExpr(getLookup()) : (fields[this.opIndex] ?? null);
      const o = parseOp(raw);
      if (o === null)
        return this.#reject(
          batch,
          `Invalid __op value '${String(raw)}', expected 0/upsert or 1/delete`,
          line,
        );
      op = o;
    }
    if (this.where) {
      const typed = (n: string): Value => {
        const idx = this.#columnIndex.get(n);
        if (idx === undefined) return getLookup()(n);
        const v = out[idx] ?? null;
        if (v === null) return null;
        if (this.#binary[idx]) return stagedBytes(v);
        return this.#numeric[idx] ? new JsonNumber(v) : v;
      };
      if (this.where(typed) !== true) {
        batch.unselected++;
        return;
      }
    }
    batch.rows.push(out);
    batch.ops.push(op);
    batch.loaded++;
  }
}

function parseOp(raw: Value): number | null {
  if (raw === null) return OP_UPSERT;
  const s = (raw instanceof JsonNumber ? raw.text : String(raw)).trim().toLowerCase();
  if (s === '0' || s === 'upsert') return OP_UPSERT;
  if (s === '1' || s === 'delete') return OP_DELETE;
  return null;
}

function currentTimestamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Compiles a plan, turning planning errors into a rejected load. */
export function planLoad(table: TableSchema, spec: LoadSpec): LoadPlan {
  try {
    return new LoadPlan(table, spec);
  } catch (err) {
    if (err instanceof PlanError || (err instanceof Error && err.message.startsWith('Invalid json path'))) {
      throw new LoadRejectedError(err.message);
    }
    throw err;
  }
}
