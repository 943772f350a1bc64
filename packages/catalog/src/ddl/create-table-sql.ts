import type { ResolvedColumn, ResolvedTable } from '../schema/definition-schema.js';
import { formatStarRocksType } from '../types/format-type.js';
import { qualifiedTableName, quoteIdentifier } from './identifier.js';
import { quoteString } from './sql-literal.js';

const KEY_CLAUSE = {
  DUPLICATE: 'DUPLICATE KEY',
  AGGREGATE: 'AGGREGATE KEY',
  UNIQUE: 'UNIQUE KEY',
  PRIMARY: 'PRIMARY KEY',
} as const;

/** `` `a`, `b` `` */
export function identifierList(names: readonly string[]): string {
  return names.map(quoteIdentifier).join(', ');
}

/**
 * One column definition: `` `name` TYPE [KEY] [AGG] NULL|NOT NULL [DEFAULT ...] [COMMENT "..."] ``
 * (the order of StarRocks' grammar).
 */
export function columnDefinitionSql(c: ResolvedColumn, options: { key?: boolean } = {}): string {
  let sql = `${quoteIdentifier(c.name)} ${formatStarRocksType(c.type)}`;
  if (options.key) sql += ' KEY';
  if (c.aggregate !== null) sql += ` ${c.aggregate}`;
  sql += c.nullable ? ' NULL' : ' NOT NULL';
  if (c.default?.kind === 'literal') sql += ` DEFAULT ${quoteString(c.default.value)}`;
  else if (c.default?.kind === 'current_timestamp') sql += ' DEFAULT CURRENT_TIMESTAMP';
  else if (c.default?.kind === 'expression') sql += ` DEFAULT (${c.default.expression})`;
  if (c.comment !== '') sql += ` COMMENT ${quoteString(c.comment)}`;
  return sql;
}

/** `PROPERTIES ("k" = "v", ...)` lines, or `''` when there are none. */
export function propertiesSql(properties: Readonly<Record<string, string>>): string {
  const entries = Object.entries(properties);
  if (entries.length === 0) return '';
  return `PROPERTIES (\n${entries.map(([k, v]) => `${quoteString(k)} = ${quoteString(v)}`).join(',\n')}\n)`;
}

/**
 * CREATE TABLE for a validated definition (see `resolveTableDefinition`): key columns first in key
 * order, the key clause, COMMENT, `DISTRIBUTED BY HASH(...)`/`RANDOM` with BUCKETS, ORDER BY and
 * PROPERTIES. Every name is backquoted, every comment, default and property a string literal.
 */
export function createTableSql(t: ResolvedTable, options: { ifNotExists?: boolean } = {}): string {
  const lines = [
    `CREATE TABLE ${options.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualifiedTableName(t.database, t.name)} (`,
    t.columns.map((c) => `  ${columnDefinitionSql(c)}`).join(',\n'),
    ') ENGINE=OLAP',
  ];
  if (t.keyColumns.length > 0) lines.push(`${KEY_CLAUSE[t.keyModel]}(${identifierList(t.keyColumns)})`);
  if (t.comment !== '') lines.push(`COMMENT ${quoteString(t.comment)}`);
  const buckets = t.buckets === null ? '' : ` BUCKETS ${t.buckets}`;
  lines.push(
    t.distributionType === 'HASH'
      ? `DISTRIBUTED BY HASH(${identifierList(t.distributionKeys)})${buckets}`
      : `DISTRIBUTED BY RANDOM${buckets}`,
  );
  if (t.sortKeys !== null) lines.push(`ORDER BY(${identifierList(t.sortKeys)})`);
  const props = propertiesSql(t.properties);
  if (props !== '') lines.push(props);
  return lines.join('\n');
}
