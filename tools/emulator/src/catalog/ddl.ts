import { ErrorCode, MysqlError } from '../mysql/index.js';
import type { AlterOp, ColumnDef, CreateTableStatement } from '../sql/statement.js';
import { type ColumnType, isNumericType, typeToSql } from './column-type.js';
import { type ColumnSchema, findColumn, type KeysType, type TableSchema } from './table-schema.js';

export const DB_NAME_RE = /^(?:[a-zA-Z]\w{0,255}|_[a-zA-Z0-9]\w{0,254})$/;
const COLUMN_NAME_RE = /^[^\0=<>!*]{1,1024}$/;

/** Default PROPERTIES every table shows (a one-BE cluster, like StarRocks' all-in-one image). */
const DEFAULT_PROPERTIES: Record<string, string> = {
  compression: 'LZ4',
  fast_schema_evolution: 'true',
  replicated_storage: 'true',
  replication_num: '1',
};

export function ddlError(message: string, errno = 1064, sqlState = '42000'): MysqlError {
  return new MysqlError(message, errno, sqlState);
}

function checkColumnName(name: string): void {
  if (!COLUMN_NAME_RE.test(name)) throw ddlError(`Incorrect column name '${name}'`, 1166, '42000');
  const lower = name.toLowerCase();
  if (lower.startsWith('__op') || lower.startsWith('__row') || lower.startsWith('__starrocks_shadow_')) {
    throw ddlError(`Column name '${name}' is reserved for the system`, 1166, '42000');
  }
}

function checkKeyType(name: string, type: ColumnType): void {
  if (
    type.kind === 'FLOAT' ||
    type.kind === 'DOUBLE' ||
    type.kind === 'JSON' ||
    type.kind === 'ARRAY' ||
    type.kind === 'MAP' ||
    type.kind === 'STRUCT' ||
    type.kind === 'VARBINARY'
  ) {
    throw ddlError(`Invalid data type of key column '${name}': '${typeToSql(type).toUpperCase()}'`);
  }
}

function toColumn(def: ColumnDef, isKey: boolean, keysType: KeysType, storageName: string): ColumnSchema {
  checkColumnName(def.name);
  if (def.aggregate !== null)
    throw ddlError(`Aggregate function ${def.aggregate} is only allowed in AGGREGATE KEY tables`);
  if (def.autoIncrement && def.type.kind !== 'BIGINT')
    throw ddlError('The AUTO_INCREMENT column must be BIGINT');
  if (def.autoIncrement) throw ddlError('AUTO_INCREMENT columns are not supported by the emulator');
  let nullable = def.nullable ?? !(isKey && keysType === 'PRIMARY_KEYS');
  if (isKey && keysType === 'PRIMARY_KEYS') {
    if (def.nullable === true) throw ddlError(`primary key column[${def.name}] cannot be nullable`);
    nullable = false;
  }
  if (isKey) checkKeyType(def.name, def.type);
  return {
    name: def.name,
    type: def.type,
    nullable,
    default: def.default,
    comment: def.comment,
    isKey,
    autoIncrement: def.autoIncrement,
    storageName,
  };
}

/** Builds and validates a table schema from CREATE TABLE (spec §7.4). */
export function buildTableSchema(stmt: CreateTableStatement, db: string, id: number): TableSchema {
  if (stmt.keysType === 'AGG_KEYS') throw ddlError('AGGREGATE KEY tables are not supported by the emulator');
  const keysType: KeysType = stmt.keysType ?? 'DUP_KEYS';
  if (stmt.columns.length === 0) throw ddlError('Table should contain at least one column');
  const seen = new Set<string>();
  for (const c of stmt.columns) {
    const l = c.name.toLowerCase();
    if (seen.has(l)) throw ddlError(`Duplicate column name '${c.name}'`, 1060, '42S21');
    seen.add(l);
  }
  const keys = stmt.keys.length > 0 ? stmt.keys : stmt.keysType === null ? [stmt.columns[0]!.name] : [];
  if (keys.length === 0) throw ddlError('Key columns should be specified');
  keys.forEach((k, i) => {
    const c = stmt.columns[i];
    if (!c || c.name.toLowerCase() !== k.toLowerCase()) {
      throw ddlError('Key columns should be a ordered prefix of the schema.');
    }
  });
  const columns = stmt.columns.map((def, i) => toColumn(def, i < keys.length, keysType, `c${i}`));
  const keyNames = keys.map((k, i) => columns[i]!.name ?? k);
  let distribution = stmt.distribution;
  if (!distribution) {
    distribution =
      keysType === 'DUP_KEYS'
        ? { type: 'RANDOM', columns: [], buckets: null }
        : { type: 'HASH', columns: keyNames, buckets: null };
  }
  if (distribution.type === 'RANDOM' && keysType !== 'DUP_KEYS') {
    throw ddlError('Random distribution is only supported in DUPLICATE KEY tables');
  }
  const distCols = distribution.columns.map((n) => {
    const c = columns.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!c) throw ddlError(`Distribution column[${n}] does not exist in table`);
    if (keysType !== 'DUP_KEYS' && !c.isKey) throw ddlError(`Distribution column[${n}] is not key column`);
    return c.name;
  });
  if (distribution.buckets !== null && distribution.buckets < 1)
    throw ddlError('Number of hash distribution should be greater than zero.');
  const orderBy = stmt.orderBy?.map((n) => {
    const c = columns.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!c) throw ddlError(`Unknown column '${n}' in order by`);
    return c.name;
  });
  const rn = stmt.properties.replication_num;
  if (rn !== undefined && rn !== '1') {
    throw ddlError(
      `Table replication num should be less than or equal to the number of available BE nodes. You can change this default by setting the replication_num table properties. Current alive backend is [10001]. , table=${stmt.table.name}, replication_num=${rn}`,
    );
  }
  return {
    id,
    database: db,
    name: stmt.table.name,
    columns,
    keysType,
    keys: keyNames,
    comment: stmt.comment,
    distribution: { type: distribution.type, columns: distCols, buckets: distribution.buckets },
    orderBy: orderBy ?? null,
    properties: { ...DEFAULT_PROPERTIES, ...stmt.properties },
    createTime: Date.now(),
    nextColumnId: columns.length,
    schemaVersion: 0,
  };
}

/** A storage change the alter job performs when it finishes. */
export type StorageChange =
  | { readonly kind: 'add'; readonly column: ColumnSchema }
  | { readonly kind: 'drop'; readonly storageName: string }
  | { readonly kind: 'modify'; readonly column: ColumnSchema };

const INT_ORDER = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'LARGEINT'];

/** Whether StarRocks allows changing a column from `a` to `b` (widening only). */
function canChangeType(a: ColumnType, b: ColumnType): boolean {
  if (typeToSql(a) === typeToSql(b)) return true;
  const ia = INT_ORDER.indexOf(a.kind);
  const ib = INT_ORDER.indexOf(b.kind);
  if (ia >= 0 && ib >= 0) return ib >= ia;
  if (ia >= 0 && (b.kind === 'VARCHAR' || b.kind === 'DOUBLE' || b.kind === 'DECIMAL')) return true;
  if (a.kind === 'FLOAT' && b.kind === 'DOUBLE') return true;
  if ((a.kind === 'VARCHAR' || a.kind === 'CHAR') && b.kind === 'VARCHAR') return b.length >= a.length;
  if (a.kind === 'CHAR' && b.kind === 'CHAR') return b.length >= a.length;
  if (a.kind === 'DECIMAL' && b.kind === 'DECIMAL') return b.scale === a.scale && b.precision >= a.precision;
  if (a.kind === 'DATE' && (b.kind === 'DATETIME' || b.kind === 'VARCHAR')) return true;
  if (a.kind === 'DATETIME' && (b.kind === 'DATE' || b.kind === 'VARCHAR')) return true;
  if ((isNumericType(a) || a.kind === 'DATE' || a.kind === 'DATETIME') && b.kind === 'VARCHAR') return true;
  return false;
}

/**
 * Applies ALTER operations to a schema, returning the new schema and the storage changes.
 * Throws a MysqlError naming the column for what StarRocks would refuse.
 */
export function planAlter(
  t: TableSchema,
  ops: readonly AlterOp[],
): { schema: TableSchema; changes: StorageChange[]; columnChange: boolean } {
  const columns = [...t.columns];
  let keys = [...t.keys];
  let dist = { ...t.distribution, columns: [...t.distribution.columns] };
  let orderBy = t.orderBy ? [...t.orderBy] : null;
  let nextId = t.nextColumnId;
  let properties = { ...t.properties };
  let name = t.name;
  const changes: StorageChange[] = [];
  let columnChange = false;
  const indexOf = (n: string) => columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase());
  const place = (col: ColumnSchema, after: string | null, first: boolean) => {
    if (first) {
      if (t.keysType !== 'DUP_KEYS' || !col.isKey)
        throw ddlError(`Can not add column ${col.name} as the first column: it must follow the key columns`);
      columns.unshift(col);
      return;
    }
    if (after !== null) {
      const i = indexOf(after);
      if (i < 0) throw ddlError(`Column[${after}] does not exist`, ErrorCode.BAD_FIELD, '42S22');
      if (!col.isKey && columns[i]!.isKey && columns[i + 1]?.isKey)
        throw ddlError(`Can not add value column ${col.name} between key columns`);
      columns.splice(i + 1, 0, col);
      return;
    }
    if (col.isKey) {
      let lastKey = -1;
      columns.forEach((c, i) => {
        if (c.isKey) lastKey = i;
      });
      columns.splice(lastKey + 1, 0, col);
    } else columns.push(col);
  };
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        columnChange = true;
        for (const def of op.columns) {
          if (indexOf(def.name) >= 0) throw ddlError(`Duplicate column name '${def.name}'`, 1060, '42S21');
          if (def.key && t.keysType !== 'DUP_KEYS')
            throw ddlError(
              `Can not add key column ${def.name} to a ${t.keysType === 'PRIMARY_KEYS' ? 'PRIMARY' : 'UNIQUE'} KEY table`,
            );
          const col = toColumn(def, def.key, t.keysType, `c${nextId++}`);
          if (!col.nullable && col.default === null) {
            throw ddlError(`Can not add column which is NOT NULL and has no default value: ${def.name}`);
          }
          place(col, op.after, op.first);
          // a new key column joins the key (and the default sort key) in column order
          if (col.isKey) keys = columns.filter((c) => c.isKey).map((c) => c.name);
          changes.push({ kind: 'add', column: col });
        }
        break;
      case 'drop': {
        columnChange = true;
        const i = indexOf(op.column);
        if (i < 0) throw ddlError(`Column[${op.column}] does not exist`, ErrorCode.BAD_FIELD, '42S22');
        const col = columns[i]!;
        if (col.isKey)
          throw ddlError(
            `Can not drop key column ${col.name} in ${t.keysType === 'DUP_KEYS' ? 'DUPLICATE' : t.keysType === 'PRIMARY_KEYS' ? 'PRIMARY' : 'UNIQUE'} KEY table`,
          );
        if (dist.columns.some((d) => d.toLowerCase() === col.name.toLowerCase()))
          throw ddlError(`Can not drop distribution column ${col.name}`);
        if (columns.length === 1) throw ddlError('Can not drop the last column');
        columns.splice(i, 1);
        orderBy = orderBy?.filter((o) => o.toLowerCase() !== col.name.toLowerCase()) ?? null;
        changes.push({ kind: 'drop', storageName: col.storageName });
        break;
      }
      case 'modify': {
        columnChange = true;
        const i = indexOf(op.column.name);
        if (i < 0) throw ddlError(`Column[${op.column.name}] does not exist`, ErrorCode.BAD_FIELD, '42S22');
        const old = columns[i]!;
        if (!canChangeType(old.type, op.column.type)) {
          throw ddlError(
            `Can not change ${typeToSql(old.type).toUpperCase()} to ${typeToSql(op.column.type).toUpperCase()}`,
          );
        }
        if (old.isKey && t.keysType === 'PRIMARY_KEYS' && typeToSql(old.type) !== typeToSql(op.column.type)) {
          throw ddlError(`Can not modify the type of primary key column ${old.name}`);
        }
        const nullable = op.column.nullable ?? old.nullable;
        if (old.nullable && !nullable)
          throw ddlError(`Can not change column ${old.name} from nullable to not nullable`);
        const col: ColumnSchema = {
          ...old,
          type: op.column.type,
          nullable,
          default: op.column.default ?? old.default,
          comment: op.column.comment || old.comment,
        };
        columns[i] = col;
        if (op.first || op.after !== null) {
          columns.splice(i, 1);
          place(col, op.after, op.first);
        }
        if (typeToSql(old.type) !== typeToSql(col.type)) changes.push({ kind: 'modify', column: col });
        break;
      }
      case 'rename': {
        columnChange = true;
        const i = indexOf(op.from);
        if (i < 0) throw ddlError(`Column[${op.from}] does not exist`, ErrorCode.BAD_FIELD, '42S22');
        if (indexOf(op.to) >= 0) throw ddlError(`Column[${op.to}] already exists`, 1060, '42S21');
        checkColumnName(op.to);
        const old = columns[i]!;
        columns[i] = { ...old, name: op.to };
        const ren = (n: string) => (n.toLowerCase() === old.name.toLowerCase() ? op.to : n);
        keys = keys.map(ren);
        dist = { ...dist, columns: dist.columns.map(ren) };
        orderBy = orderBy?.map(ren) ?? null;
        break;
      }
      case 'rename_table':
        name = op.to;
        break;
      case 'set':
        properties = { ...properties, ...op.properties };
        break;
    }
  }
  // key columns must stay a prefix
  const firstValue = columns.findIndex((c) => !c.isKey);
  if (firstValue >= 0 && columns.slice(firstValue).some((c) => c.isKey))
    throw ddlError('Key columns should be a ordered prefix of the schema.');
  if (!findColumn({ ...t, columns }, keys[0] ?? '')) throw ddlError('Key columns should be specified');
  return {
    schema: {
      ...t,
      name,
      columns,
      keys,
      distribution: dist,
      orderBy,
      properties,
      nextColumnId: nextId,
      schemaVersion: t.schemaVersion + (columnChange ? 1 : 0),
    },
    changes,
    columnChange,
  };
}
