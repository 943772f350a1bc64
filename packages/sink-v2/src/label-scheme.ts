import { createHash, randomUUID } from 'node:crypto';
import { LABEL_PATTERN } from '@srconnect/stream-load-sdk';

/** The key of a table in writer state. */
export function tableKey(database: string, table: string): string {
  return `${database}.${table}`;
}

/**
 * The table part of a label: the names when they fit the label alphabet (and hold no `__`),
 * otherwise (or when too long) a readable prefix plus a hash, so different tables never share labels.
 */
export function tableTag(database: string, table: string): string {
  const plain = `${database}__${table}`;
  // `__` inside a name would make `db__table` ambiguous (`a` + `b__c` vs `a__b` + `c`)
  const simple = (n: string) => /^\w+$/.test(n) && !n.includes('__');
  if (simple(database) && simple(table) && plain.length <= 60) return plain;
  const hash = createHash('sha256').update(`${database}\u0000${table}`).digest('hex').slice(0, 12);
  return `${plain.replace(/[^\w]/g, '_').slice(0, 40)}_${hash}`;
}

/**
 * The label of a writer's transaction: `{prefix}-{db}__{table}-{subtask}-{seq}`. `seq` counts the
 * transactions of one (table, subtask) densely from 1, so a restored writer finds every orphan by
 * probing upwards from the next number it had not used.
 */
export function transactionLabel(
  prefix: string,
  database: string,
  table: string,
  subtask: number,
  seq: number,
): string {
  const label = `${prefix}-${tableTag(database, table)}-${subtask}-${seq}`;
  if (!LABEL_PATTERN.test(label))
    throw new Error(
      `label ${label} breaks StarRocks' label rule ${LABEL_PATTERN}; use a shorter labelPrefix`,
    );
  return label;
}

/**
 * An at-least-once label: `{prefix}-{db}__{table}-{subtask}-{32 hex random}`, unique per
 * transaction, so a restart or a second process never collides with a used label. When that
 * exceeds StarRocks' 128 characters the table part becomes a hash of it.
 */
export function atLeastOnceLabel(prefix: string, database: string, table: string, subtask: number): string {
  const unique = randomUUID().replaceAll('-', '');
  let label = `${prefix}-${tableTag(database, table)}-${subtask}-${unique}`;
  if (label.length > 128) {
    const hash = createHash('sha256').update(`${database}\u0000${table}`).digest('hex').slice(0, 12);
    label = `${prefix}-${hash}-${subtask}-${unique}`;
  }
  if (!LABEL_PATTERN.test(label))
    throw new Error(
      `label ${label} breaks StarRocks' label rule ${LABEL_PATTERN}; use a shorter labelPrefix`,
    );
  return label;
}
