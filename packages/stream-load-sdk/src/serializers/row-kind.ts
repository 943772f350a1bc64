import { InvalidOptionError } from '../errors.js';

/** What a row means for its table (CDC vocabulary); `upsert` = insert or update-after. */
export type RowKind = 'insert' | 'upsert' | 'update_after' | 'update_before' | 'delete';

/**
 * The `__op` a row of this kind loads with (0 upsert, 1 delete), or null when it is dropped: an
 * update-before row is dropped unless `ignoreUpdateBefore` is false on a PRIMARY KEY table, where it
 * deletes. A delete on a table that is not a PRIMARY KEY table is an InvalidOptionError naming it.
 */
export function opForRowKind(
  kind: RowKind,
  target: { readonly database: string; readonly table: string; readonly primaryKey: boolean },
  ignoreUpdateBefore: boolean,
): 0 | 1 | null {
  if (kind === 'update_before') return ignoreUpdateBefore || !target.primaryKey ? null : 1;
  if (kind !== 'delete') return 0;
  if (!target.primaryKey) {
    throw new InvalidOptionError(
      `a delete needs a PRIMARY KEY table: set \`tables.${target.database}.${target.table}.primaryKey\``,
    );
  }
  return 1;
}
