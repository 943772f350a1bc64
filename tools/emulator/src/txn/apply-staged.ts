import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdbType } from '../catalog/column-type.js';
import {
  type ColumnSchema,
  findColumn,
  storageTableName,
  type TableSchema,
} from '../catalog/table-schema.js';
import { castLiteral, castStaged, q } from '../storage/store.js';

/** How staged rows are merged into the table. */
export interface ApplyMode {
  /** Table columns the loads wrote; the others keep their stored values (partial update). */
  readonly providedColumns: readonly string[];
  readonly partialUpdate: boolean;
  readonly mergeCondition: string | null;
}

export function stagingTableName(txnId: number): string {
  return `s_${txnId}`;
}

/** Creates the staging table: every column as VARCHAR, plus the op and the load order. */
export async function createStagingTable(
  conn: DuckDBConnection,
  table: TableSchema,
  txnId: number,
): Promise<void> {
  const cols = table.columns.map((c) => `${q(c.storageName)} VARCHAR`).join(', ');
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${q(stagingTableName(txnId))} (${cols}, __op TINYINT, __seq INTEGER)`,
  );
}

export async function dropStagingTable(conn: DuckDBConnection, txnId: number): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS ${q(stagingTableName(txnId))}`);
}

function zeroValue(c: ColumnSchema): string {
  switch (c.type.kind) {
    case 'CHAR':
    case 'VARCHAR':
    case 'VARBINARY':
      return "''";
    case 'DATE':
      return "DATE '1970-01-01'";
    case 'DATETIME':
      return "TIMESTAMP '1970-01-01 00:00:00'";
    case 'JSON':
      return "'null'";
    case 'ARRAY':
    case 'MAP':
      return "'[]'";
    case 'STRUCT':
      return "'{}'";
    case 'BOOLEAN':
      return 'false';
    default:
      return '0';
  }
}

/** The value a new row gets for a column a partial update did not provide. */
function missingValue(c: ColumnSchema): string {
  const t = duckdbType(c.type);
  if (c.default?.kind === 'literal') return castLiteral(c.default.value, c.type);
  if (c.default?.kind === 'current_timestamp') return 'CAST(current_localtimestamp() AS TIMESTAMP)';
  return c.nullable ? `CAST(NULL AS ${t})` : `CAST(${zeroValue(c)} AS ${t})`;
}

/**
 * Merges the staged rows of a transaction into the table, inside the caller's DuckDB transaction.
 * DUPLICATE KEY appends; PRIMARY/UNIQUE KEY keep the last row per key in load order, apply deletes,
 * partial updates and the merge condition. Returns the number of rows written or deleted.
 */
export async function applyStaged(
  conn: DuckDBConnection,
  table: TableSchema,
  txnId: number,
  mode: ApplyMode,
): Promise<void> {
  const target = q(storageTableName(table));
  const staged = q(stagingTableName(txnId));
  const cols = table.columns;
  const colList = cols.map((c) => q(c.storageName)).join(', ');
  if (table.keysType === 'DUP_KEYS') {
    await conn.run(
      `INSERT INTO ${target} (${colList}) SELECT ${cols.map((c) => castStaged(c)).join(', ')} FROM ${staged} ORDER BY __seq`,
    );
    return;
  }
  const keys = table.keys.map((k) => findColumn(table, k)!);
  const keyMatch = (a: string, b: string) =>
    keys.map((k) => `${a}.${q(k.storageName)} IS NOT DISTINCT FROM ${castStaged(k, `${b}.`)}`).join(' AND ');
  const partition = keys.map((k) => q(k.storageName)).join(', ');
  await conn.run('DROP TABLE IF EXISTS __sr_latest');
  await conn.run(
    `CREATE TEMP TABLE __sr_latest AS SELECT * EXCLUDE (__rn) FROM (SELECT *, row_number() OVER (PARTITION BY ${partition} ORDER BY __seq DESC) AS __rn FROM ${staged}) WHERE __rn = 1`,
  );
  if (mode.mergeCondition !== null) {
    const mc = findColumn(table, mode.mergeCondition)!;
    // an upsert whose condition value is lower than the stored one is dropped
    await conn.run(
      `DELETE FROM __sr_latest l WHERE l.__op = 0 AND EXISTS (SELECT 1 FROM ${target} e WHERE ${keyMatch('e', 'l')} AND e.${q(mc.storageName)} > ${castStaged(mc, 'l.')})`,
    );
  }
  const provided = new Set(mode.providedColumns.map((n) => n.toLowerCase()));
  const selectList = cols.map((c) => {
    if (!mode.partialUpdate || provided.has(c.name.toLowerCase())) return castStaged(c, 'l.');
    return `CASE WHEN e.__present IS NULL THEN ${missingValue(c)} ELSE e.${q(c.storageName)} END`;
  });
  await conn.run('DROP TABLE IF EXISTS __sr_merged');
  await conn.run(
    `CREATE TEMP TABLE __sr_merged AS SELECT ${selectList.map((s, i) => `${s} AS ${q(cols[i]!.storageName)}`).join(', ')} FROM __sr_latest l LEFT JOIN (SELECT *, true AS __present FROM ${target}) e ON ${keyMatch('e', 'l')} WHERE l.__op = 0`,
  );
  await conn.run(
    `DELETE FROM ${target} e WHERE EXISTS (SELECT 1 FROM __sr_latest l WHERE ${keyMatch('e', 'l')})`,
  );
  await conn.run(`INSERT INTO ${target} (${colList}) SELECT ${colList} FROM __sr_merged`);
  await conn.run('DROP TABLE __sr_merged');
  await conn.run('DROP TABLE __sr_latest');
}
