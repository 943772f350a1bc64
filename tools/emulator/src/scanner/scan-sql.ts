/**
 * Analysis of the SQL of `_query_plan` (spec §6.1, TableQueryPlanAction.handleQuery): a single-table
 * `select <cols> from db.tbl [where ...]`, turned into the scan the BE runs over DuckDB.
 */
import { type ColumnSchema, findColumn, type TableSchema } from '../catalog/table-schema.js';
import type { Expr } from '../sql/expression.js';
import { tokenize } from '../sql/lexer.js';
import { parseStatement, UnsupportedStatementError } from '../sql/parser.js';
import { toDuck } from '../sql/select-executor.js';
import type { SelectStatement, Statement } from '../sql/statement.js';
import type { Store } from '../storage/store.js';

/** A failure of the query-plan request: the HTTP status and the `exception` text. */
export class QueryPlanError extends Error {
  override readonly name = 'QueryPlanError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** One output column of a scan. */
export interface ScanOutput {
  /** `output_names`: the alias, else the column's declared name. */
  readonly name: string;
  readonly column: ColumnSchema;
}

/** What a plan scans. */
export interface ScanQuery {
  /** Database and table as the SQL names them. */
  readonly db: string;
  readonly tableName: string;
  readonly table: TableSchema;
  readonly outputs: readonly ScanOutput[];
  /** The WHERE clause translated to DuckDB over the storage columns, or null. */
  readonly where: string | null;
}

const AGGREGATES = new Set(['count', 'sum', 'min', 'max', 'avg']);

const invalid = () => new QueryPlanError(500, 'The Sql is invalid');
const notSelect = (sql: string) => new QueryPlanError(400, `Select statement needed, but found [${sql} ]`);
const notScan = (sql: string) =>
  new QueryPlanError(400, `only support single table filter-prune-scan, but found [ ${sql}]`);
const oneTable = () => new QueryPlanError(400, 'Select statement must have only one table');
const embedded = () => new QueryPlanError(400, 'Select statement must not embed another statement');

function hasAggregate(e: Expr): boolean {
  switch (e.k) {
    case 'call':
      return AGGREGATES.has(e.name) || e.args.some(hasAggregate);
    case 'bin':
      return hasAggregate(e.l) || hasAggregate(e.r);
    case 'not':
    case 'neg':
    case 'isnull':
    case 'cast':
      return hasAggregate(e.e);
    case 'in':
      return hasAggregate(e.e) || e.list.some(hasAggregate);
    case 'between':
      return hasAggregate(e.e) || hasAggregate(e.lo) || hasAggregate(e.hi);
    case 'like':
      return hasAggregate(e.e) || hasAggregate(e.pattern);
    default:
      return false;
  }
}

/**
 * Parses and analyses the SQL of a query plan. Throws {@link QueryPlanError} with the FE's status
 * and text: 500 `The Sql is invalid` when it does not parse or analyse (unknown table or column,
 * no database), then 400 for what is not a plain filter-and-project scan of one table.
 */
export function analyzeScanSql(store: Store, sql: string): ScanQuery {
  let tokens: ReturnType<typeof tokenize>;
  try {
    tokens = tokenize(sql);
  } catch {
    throw invalid();
  }
  const first = tokens[0];
  const word = first?.kind === 'ident' ? first.value.toUpperCase() : '';
  if (word === 'EXPLAIN') throw notScan(sql);
  if (
    word === 'SELECT' &&
    tokens.slice(1).some((t) => t.kind === 'ident' && t.value.toUpperCase() === 'SELECT')
  )
    throw embedded();
  let stmt: Statement;
  try {
    stmt = parseStatement(sql);
  } catch (err) {
    if (!(err instanceof UnsupportedStatementError)) throw invalid();
    if (word !== 'SELECT') throw notSelect(sql);
    if (/joins/.test(err.message)) throw oneTable();
    // GROUP BY, DISTINCT, UNION
    throw notScan(sql);
  }
  if (stmt.kind !== 'select') {
    if (stmt.kind === 'noop' || stmt.kind === 'set') throw invalid();
    throw notSelect(sql);
  }
  return analyzeSelect(store, stmt, sql);
}

function analyzeSelect(store: Store, s: SelectStatement, sql: string): ScanQuery {
  if (s.from === null) throw oneTable();
  // the HTTP session has no current database
  if (s.from.db === null) throw invalid();
  const db = s.from.db;
  const tableName = s.from.name;
  const table = store.getTable(db, tableName);
  if (!table) throw invalid();
  const outputs: ScanOutput[] = [];
  let plainScan = true;
  for (const item of s.items) {
    if (item.expr.k === 'star') {
      for (const c of table.columns) outputs.push({ name: c.name, column: c });
      continue;
    }
    if (item.expr.k === 'col') {
      const c = findColumn(table, item.expr.name);
      if (!c) throw invalid();
      outputs.push({ name: item.alias ?? c.name, column: c });
      continue;
    }
    try {
      toDuck(item.expr, table);
    } catch {
      throw invalid();
    }
    // aggregates, and (an emulator limit) any other expression: not a plain column scan
    plainScan = false;
  }
  let where: string | null = null;
  if (s.where) {
    if (hasAggregate(s.where)) throw invalid();
    try {
      where = toDuck(s.where, table);
    } catch {
      throw invalid();
    }
  }
  if (!plainScan || s.orderBy.length > 0 || s.limit !== null || s.offset > 0) throw notScan(sql);
  return { db, tableName, table, outputs, where };
}
