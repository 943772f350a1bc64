import type { ResolvedAddColumn, ResolvedColumn } from '../schema/definition-schema.js';
import { columnDefinitionSql } from './create-table-sql.js';
import { qualifiedTableName, quoteIdentifier, validateColumnName } from './identifier.js';

/** `ALTER TABLE t ADD COLUMN c1 ... [FIRST | AFTER x], ADD COLUMN c2 ...` (one schema-change job). */
export function addColumnsSql(
  database: string,
  table: string,
  columns: readonly ResolvedAddColumn[],
): string {
  const clauses = columns.map((c) => {
    let clause = `ADD COLUMN ${columnDefinitionSql(c, { key: c.key })}`;
    if (c.first) clause += ' FIRST';
    else if (c.after !== null) clause += ` AFTER ${quoteIdentifier(validateColumnName(c.after))}`;
    return clause;
  });
  return `ALTER TABLE ${qualifiedTableName(database, table)} ${clauses.join(', ')}`;
}

/** `ALTER TABLE t DROP COLUMN a, DROP COLUMN b`. */
export function dropColumnsSql(database: string, table: string, columns: readonly string[]): string {
  const clauses = columns.map((c) => `DROP COLUMN ${quoteIdentifier(validateColumnName(c))}`);
  return `ALTER TABLE ${qualifiedTableName(database, table)} ${clauses.join(', ')}`;
}

/** `ALTER TABLE t RENAME COLUMN a TO b`. */
export function renameColumnSql(database: string, table: string, from: string, to: string): string {
  return `ALTER TABLE ${qualifiedTableName(database, table)} RENAME COLUMN ${quoteIdentifier(
    validateColumnName(from),
  )} TO ${quoteIdentifier(validateColumnName(to))}`;
}

/**
 * `ALTER TABLE t MODIFY COLUMN <definition>`; `key` writes the `KEY` keyword StarRocks requires when
 * the column is a key column.
 */
export function modifyColumnSql(
  database: string,
  table: string,
  column: ResolvedColumn,
  options: { key?: boolean } = {},
): string {
  return `ALTER TABLE ${qualifiedTableName(database, table)} MODIFY COLUMN ${columnDefinitionSql(column, options)}`;
}
