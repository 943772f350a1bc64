import { parseColumnTypeFrom } from '../catalog/column-type.js';
import type { ColumnDefault, KeysType } from '../catalog/table-schema.js';
import { parseExpression } from './expression.js';
import { SqlSyntaxError, TokenStream } from './lexer.js';
import type {
  AlterOp,
  ColumnDef,
  CreateTableStatement,
  OrderItem,
  SelectItem,
  SelectStatement,
  Statement,
  TableRef,
} from './statement.js';

/** Raised for statements the emulator knows but does not implement; the message names them. */
export class UnsupportedStatementError extends Error {
  override readonly name = 'UnsupportedStatementError';
}

/** Parses one SQL statement of the subset the emulator implements. */
export function parseStatement(sql: string): Statement {
  const ts = TokenStream.of(sql);
  if (ts.atEnd()) return { kind: 'noop' };
  const first = ts.peek();
  const word = first.kind === 'ident' ? first.value.toUpperCase() : '';
  let stmt: Statement;
  switch (word) {
    case 'SELECT':
      stmt = parseSelect(ts);
      break;
    case 'SHOW':
      ts.next();
      stmt = parseShow(ts);
      break;
    case 'CREATE':
      ts.next();
      if (ts.acceptKeyword('DATABASE') || ts.acceptKeyword('SCHEMA')) {
        const ifNotExists = ts.acceptKeyword('IF', 'NOT', 'EXISTS');
        stmt = { kind: 'create_database', name: ts.identifier('a database name'), ifNotExists };
      } else if (ts.acceptKeyword('TABLE')) stmt = parseCreateTable(ts);
      else if (
        ts.isKeyword('EXTERNAL') ||
        ts.isKeyword('MATERIALIZED') ||
        ts.isKeyword('VIEW') ||
        ts.isKeyword('USER')
      ) {
        throw new UnsupportedStatementError(
          `CREATE ${ts.peek().value.toUpperCase()} is not supported by the emulator`,
        );
      } else throw ts.error('expected DATABASE or TABLE after CREATE');
      break;
    case 'DROP':
      ts.next();
      if (ts.acceptKeyword('DATABASE') || ts.acceptKeyword('SCHEMA')) {
        const ifExists = ts.acceptKeyword('IF', 'EXISTS');
        stmt = { kind: 'drop_database', name: ts.identifier('a database name'), ifExists };
        ts.acceptKeyword('FORCE');
      } else if (ts.acceptKeyword('TABLE')) {
        const ifExists = ts.acceptKeyword('IF', 'EXISTS');
        stmt = { kind: 'drop_table', table: parseTableRef(ts), ifExists };
        ts.acceptKeyword('FORCE');
      } else throw ts.error('expected DATABASE or TABLE after DROP');
      break;
    case 'USE':
      ts.next();
      stmt = { kind: 'use', db: ts.identifier('a database name') };
      break;
    case 'TRUNCATE':
      ts.next();
      ts.acceptKeyword('TABLE');
      stmt = { kind: 'truncate_table', table: parseTableRef(ts) };
      break;
    case 'DESC':
    case 'DESCRIBE':
      ts.next();
      stmt = { kind: 'describe', table: parseTableRef(ts), full: false };
      ts.acceptKeyword('ALL');
      break;
    case 'ALTER':
      ts.next();
      ts.expectKeyword('TABLE');
      stmt = parseAlter(ts);
      break;
    case 'SET':
      // session variables (SET NAMES utf8mb4, SET autocommit=1, ...) are accepted and ignored
      return { kind: 'set' };
    case 'BEGIN':
    case 'COMMIT':
    case 'ROLLBACK':
    case 'START':
      return { kind: 'noop' };
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'REPLACE':
    case 'WITH':
    case 'EXPLAIN':
    case 'GRANT':
    case 'REVOKE':
    case 'ADMIN':
    case 'KILL':
    case 'ANALYZE':
    case 'REFRESH':
    case 'SUBMIT':
      throw new UnsupportedStatementError(`${word} statements are not supported by the emulator`);
    default:
      throw ts.error('unsupported statement');
  }
  ts.expectEnd();
  return stmt;
}

function parseTableRef(ts: TokenStream): TableRef {
  const a = ts.identifier('a table name');
  if (ts.acceptOp('.')) return { db: a, name: ts.identifier('a table name') };
  return { db: null, name: a };
}

function parseLike(ts: TokenStream): string | null {
  if (ts.acceptKeyword('LIKE')) return ts.string();
  return null;
}

function parseShow(ts: TokenStream): Statement {
  const full = ts.acceptKeyword('FULL');
  if (ts.acceptKeyword('DATABASES') || ts.acceptKeyword('SCHEMAS'))
    return { kind: 'show_databases', like: parseLike(ts) };
  if (ts.acceptKeyword('TABLES')) {
    let db: string | null = null;
    if (ts.acceptKeyword('FROM') || ts.acceptKeyword('IN')) db = ts.identifier('a database name');
    return { kind: 'show_tables', db, full, like: parseLike(ts) };
  }
  if (ts.acceptKeyword('CREATE', 'TABLE')) return { kind: 'show_create_table', table: parseTableRef(ts) };
  if (ts.acceptKeyword('COLUMNS') || ts.acceptKeyword('FIELDS')) {
    if (!ts.acceptKeyword('FROM')) ts.expectKeyword('IN');
    const table = parseTableRef(ts);
    if (ts.acceptKeyword('FROM') || ts.acceptKeyword('IN')) {
      const db = ts.identifier('a database name');
      return { kind: 'describe', table: { db, name: table.name }, full };
    }
    return { kind: 'describe', table, full };
  }
  if (ts.acceptKeyword('ALTER', 'TABLE', 'COLUMN')) {
    let db: string | null = null;
    if (ts.acceptKeyword('FROM') || ts.acceptKeyword('IN')) db = ts.identifier('a database name');
    const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
    const orderBy = parseOrderBy(ts);
    const { limit } = parseLimit(ts);
    return { kind: 'show_alter', db, where, orderBy, limit };
  }
  if (
    ts.acceptKeyword('VARIABLES') ||
    ts.acceptKeyword('SESSION', 'VARIABLES') ||
    ts.acceptKeyword('GLOBAL', 'VARIABLES')
  ) {
    return { kind: 'show_variables', like: parseLike(ts) };
  }
  throw new UnsupportedStatementError(
    `SHOW ${ts.peek().value.toUpperCase()} is not supported by the emulator`,
  );
}

function parseOrderBy(ts: TokenStream): OrderItem[] {
  const out: OrderItem[] = [];
  if (!ts.acceptKeyword('ORDER', 'BY')) return out;
  do {
    const expr = parseExpression(ts);
    const desc = ts.acceptKeyword('DESC');
    if (!desc) ts.acceptKeyword('ASC');
    out.push({ expr, desc });
  } while (ts.acceptOp(','));
  return out;
}

function parseLimit(ts: TokenStream): { limit: number | null; offset: number } {
  if (!ts.acceptKeyword('LIMIT')) return { limit: null, offset: 0 };
  const a = ts.integer('a LIMIT count');
  if (ts.acceptOp(',')) return { limit: ts.integer('a LIMIT count'), offset: a };
  if (ts.acceptKeyword('OFFSET')) return { limit: a, offset: ts.integer('an OFFSET') };
  return { limit: a, offset: 0 };
}

const CLAUSE_END = new Set([
  'FROM',
  'WHERE',
  'ORDER',
  'LIMIT',
  'GROUP',
  'HAVING',
  'UNION',
  'INTO',
  'FOR',
  'JOIN',
  'LEFT',
  'RIGHT',
  'INNER',
  'OUTER',
  'CROSS',
  'FULL',
  'ON',
]);

function parseSelect(ts: TokenStream): SelectStatement {
  ts.expectKeyword('SELECT');
  if (ts.acceptKeyword('DISTINCT'))
    throw new UnsupportedStatementError('SELECT DISTINCT is not supported by the emulator');
  const items: SelectItem[] = [];
  do {
    const start = ts.peek().pos;
    const expr = parseExpression(ts);
    const end = ts.peek().pos;
    let alias: string | null = null;
    if (ts.acceptKeyword('AS')) alias = ts.peek().kind === 'string' ? ts.string() : ts.identifier('an alias');
    else {
      const t = ts.peek();
      if ((t.kind === 'ident' && !CLAUSE_END.has(t.value.toUpperCase())) || t.kind === 'quoted')
        alias = ts.identifier();
      else if (t.kind === 'string') alias = ts.string();
    }
    items.push({ expr, alias, text: ts.source.slice(start, end).trim() });
  } while (ts.acceptOp(','));
  let from: TableRef | null = null;
  if (ts.acceptKeyword('FROM')) {
    from = parseTableRef(ts);
    if (ts.acceptKeyword('AS')) ts.identifier('an alias');
    else if (
      ts.peek().kind === 'quoted' ||
      (ts.peek().kind === 'ident' && !CLAUSE_END.has(ts.peek().value.toUpperCase()))
    )
      ts.next();
    if (ts.isOp(',') || ['JOIN', 'LEFT', 'RIGHT', 'INNER', 'CROSS', 'FULL'].some((k) => ts.isKeyword(k))) {
      throw new UnsupportedStatementError('joins are not supported by the emulator');
    }
  }
  const where = ts.acceptKeyword('WHERE') ? parseExpression(ts) : null;
  if (ts.isKeyword('GROUP')) throw new UnsupportedStatementError('GROUP BY is not supported by the emulator');
  const orderBy = parseOrderBy(ts);
  const { limit, offset } = parseLimit(ts);
  if (ts.isKeyword('UNION')) throw new UnsupportedStatementError('UNION is not supported by the emulator');
  return { kind: 'select', items, from, where, orderBy, limit, offset };
}

function parseIdentList(ts: TokenStream): string[] {
  ts.expectOp('(');
  const out: string[] = [];
  do out.push(ts.identifier('a column name'));
  while (ts.acceptOp(','));
  ts.expectOp(')');
  return out;
}

function parseProperties(ts: TokenStream): Record<string, string> {
  ts.expectOp('(');
  const props: Record<string, string> = {};
  if (ts.acceptOp(')')) return props;
  do {
    const k = ts.peek().kind === 'string' ? ts.string() : ts.identifier('a property name');
    ts.expectOp('=');
    props[k] = ts.string('a property value');
  } while (ts.acceptOp(','));
  ts.expectOp(')');
  return props;
}

const AGGREGATES = new Set([
  'SUM',
  'MAX',
  'MIN',
  'REPLACE',
  'REPLACE_IF_NOT_NULL',
  'HLL_UNION',
  'BITMAP_UNION',
  'PERCENTILE_UNION',
]);

function parseColumnDef(ts: TokenStream): ColumnDef {
  const name = ts.identifier('a column name');
  const type = parseColumnTypeFrom(ts);
  let nullable: boolean | null = null;
  let dflt: ColumnDefault | null = null;
  let comment = '';
  let autoIncrement = false;
  let aggregate: string | null = null;
  let key = false;
  for (;;) {
    const t = ts.peek();
    const w = t.kind === 'ident' ? t.value.toUpperCase() : '';
    if (w === 'NOT' && ts.isKeyword('NULL', 1)) {
      ts.next();
      ts.next();
      nullable = false;
    } else if (w === 'NULL') {
      ts.next();
      nullable = true;
    } else if (w === 'KEY') {
      ts.next();
      key = true;
    } else if (AGGREGATES.has(w)) {
      ts.next();
      aggregate = w;
    } else if (w === 'AUTO_INCREMENT') {
      ts.next();
      autoIncrement = true;
    } else if (w === 'DEFAULT') {
      ts.next();
      const d = ts.peek();
      if (d.kind === 'string') dflt = { kind: 'literal', value: ts.string() };
      else if (d.kind === 'number') dflt = { kind: 'literal', value: ts.next().value };
      else if (ts.isOp('-') && ts.peek(1).kind === 'number') {
        ts.next();
        dflt = { kind: 'literal', value: `-${ts.next().value}` };
      } else if (ts.acceptKeyword('CURRENT_TIMESTAMP')) {
        if (ts.acceptOp('(')) ts.expectOp(')');
        dflt = { kind: 'current_timestamp' };
      } else if (ts.acceptKeyword('NULL')) dflt = null;
      else if (ts.isOp('('))
        throw new UnsupportedStatementError('DEFAULT (expression) is not supported by the emulator');
      else throw ts.error('expected a default value');
    } else if (w === 'COMMENT') {
      ts.next();
      comment = ts.string('a comment');
    } else if (w === 'AS') {
      throw new UnsupportedStatementError('generated columns are not supported by the emulator');
    } else break;
  }
  return { name, type, nullable, default: dflt, comment, autoIncrement, aggregate, key };
}

function parseCreateTable(ts: TokenStream): CreateTableStatement {
  const ifNotExists = ts.acceptKeyword('IF', 'NOT', 'EXISTS');
  const table = parseTableRef(ts);
  ts.expectOp('(');
  const columns: ColumnDef[] = [];
  do {
    if (ts.isKeyword('INDEX'))
      throw new UnsupportedStatementError('indexes are not supported by the emulator');
    columns.push(parseColumnDef(ts));
  } while (ts.acceptOp(','));
  ts.expectOp(')');
  let keysType: CreateTableStatement['keysType'] = null;
  let keys: string[] = [];
  let comment = '';
  let distribution: CreateTableStatement['distribution'] = null;
  let orderBy: string[] | null = null;
  let properties: Record<string, string> = {};
  let partitioned = false;
  for (;;) {
    if (ts.acceptKeyword('ENGINE')) {
      ts.expectOp('=');
      const engine = ts.identifier('an engine');
      if (engine.toUpperCase() !== 'OLAP')
        throw new UnsupportedStatementError(`ENGINE=${engine} is not supported by the emulator`);
    } else if (
      ts.isKeyword('DUPLICATE') ||
      ts.isKeyword('PRIMARY') ||
      ts.isKeyword('UNIQUE') ||
      ts.isKeyword('AGGREGATE')
    ) {
      const w = ts.next().value.toUpperCase();
      ts.expectKeyword('KEY');
      keysType = (
        {
          DUPLICATE: 'DUP_KEYS',
          PRIMARY: 'PRIMARY_KEYS',
          UNIQUE: 'UNIQUE_KEYS',
          AGGREGATE: 'AGG_KEYS',
        } as const
      )[w as 'DUPLICATE'] as KeysType | 'AGG_KEYS';
      keys = parseIdentList(ts);
    } else if (ts.acceptKeyword('COMMENT')) {
      ts.acceptOp('=');
      comment = ts.string('a comment');
    } else if (ts.acceptKeyword('PARTITION', 'BY')) {
      partitioned = true;
      throw new UnsupportedStatementError('PARTITION BY is not supported by the emulator');
    } else if (ts.acceptKeyword('DISTRIBUTED', 'BY')) {
      if (ts.acceptKeyword('HASH'))
        distribution = { type: 'HASH', columns: parseIdentList(ts), buckets: null };
      else if (ts.acceptKeyword('RANDOM')) distribution = { type: 'RANDOM', columns: [], buckets: null };
      else throw ts.error('expected HASH or RANDOM');
      if (ts.acceptKeyword('BUCKETS'))
        distribution = { ...distribution, buckets: ts.integer('a bucket count') };
    } else if (ts.acceptKeyword('ORDER', 'BY')) {
      orderBy = parseIdentList(ts);
    } else if (ts.acceptKeyword('PROPERTIES')) {
      properties = parseProperties(ts);
    } else break;
  }
  return {
    kind: 'create_table',
    table,
    ifNotExists,
    columns,
    keysType,
    keys,
    comment,
    distribution,
    orderBy,
    properties,
    partitioned,
  };
}

function parsePosition(ts: TokenStream): { after: string | null; first: boolean } {
  if (ts.acceptKeyword('FIRST')) return { after: null, first: true };
  if (ts.acceptKeyword('AFTER')) return { after: ts.identifier('a column name'), first: false };
  return { after: null, first: false };
}

function parseAlter(ts: TokenStream): Statement {
  const table = parseTableRef(ts);
  const ops: AlterOp[] = [];
  do {
    if (ts.acceptKeyword('ADD')) {
      if (!ts.acceptKeyword('COLUMN')) {
        if (ts.isKeyword('PARTITION') || ts.isKeyword('INDEX') || ts.isKeyword('ROLLUP')) {
          throw new UnsupportedStatementError(
            `ALTER TABLE ADD ${ts.peek().value.toUpperCase()} is not supported by the emulator`,
          );
        }
      }
      if (ts.acceptOp('(')) {
        const columns: ColumnDef[] = [];
        do columns.push(parseColumnDef(ts));
        while (ts.acceptOp(','));
        ts.expectOp(')');
        ops.push({ op: 'add', columns, after: null, first: false });
      } else {
        const col = parseColumnDef(ts);
        ops.push({ op: 'add', columns: [col], ...parsePosition(ts) });
      }
    } else if (ts.acceptKeyword('DROP')) {
      ts.acceptKeyword('COLUMN');
      ops.push({ op: 'drop', column: ts.identifier('a column name') });
    } else if (ts.acceptKeyword('MODIFY')) {
      ts.acceptKeyword('COLUMN');
      const column = parseColumnDef(ts);
      ops.push({ op: 'modify', column, ...parsePosition(ts) });
    } else if (ts.acceptKeyword('RENAME')) {
      if (ts.acceptKeyword('COLUMN')) {
        const from = ts.identifier('a column name');
        ts.acceptKeyword('TO');
        ops.push({ op: 'rename', from, to: ts.identifier('a column name') });
      } else {
        ts.acceptKeyword('TO');
        ops.push({ op: 'rename_table', to: ts.identifier('a table name') });
      }
    } else if (ts.acceptKeyword('SET')) {
      ops.push({ op: 'set', properties: parseProperties(ts) });
    } else
      throw new UnsupportedStatementError(
        `ALTER TABLE ${ts.peek().value.toUpperCase()} is not supported by the emulator`,
      );
  } while (ts.acceptOp(','));
  return { kind: 'alter_table', table, ops };
}

export { SqlSyntaxError };
