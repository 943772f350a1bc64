import { InvalidOptionError } from '../errors.js';
import type { DateTimeZone } from './row-serializer.js';
import { parseTypeHint } from './type-hint.js';

/** The name of the virtual load column carrying the row operation (spec §3.4). */
export const OP_COLUMN = '__op';

/**
 * True when some column is named like an `Object.prototype` member (`constructor`, `toString`…):
 * such keys must be read as own properties only, or a missing key would read the inherited member.
 */
export function hasInheritedNames(columns: readonly string[]): boolean {
  return columns.some((column) => column in Object.prototype);
}

/** The value of an own property, `undefined` when the row does not have it. */
export function ownValue(row: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(row, key) ? row[key] : undefined;
}

/** Checks that `options` is a plain object and has only `known` keys; returns it as a record. */
export function checkOptionKeys(
  options: unknown,
  known: readonly string[],
  factory: string,
): Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(`${factory} options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(`unknown option \`${key}\` for ${factory} (known: ${known.join(', ')})`);
    }
  }
  return options as Record<string, unknown>;
}

/**
 * Validates `columns`: a non-empty list of non-empty, unique names (case-insensitively, as StarRocks
 * compares column names) without backquotes or NUL, and without `__op` when `withOp` is set.
 */
export function checkColumns(value: unknown, withOp: boolean): readonly string[] {
  const invalid = () => new InvalidOptionError('`columns` must be a non-empty list of unique names');
  if (!Array.isArray(value) || value.length === 0) throw invalid();
  const seen = new Set<string>();
  for (const name of value as unknown[]) {
    if (typeof name !== 'string' || name === '') throw invalid();
    if (name.includes('`') || name.includes('\0')) {
      throw new InvalidOptionError(
        `\`columns\` entry ${JSON.stringify(name)} must not contain a backquote or NUL`,
      );
    }
    const folded = name.toLowerCase();
    if (seen.has(folded)) {
      throw new InvalidOptionError(
        `\`columns\` must be a non-empty list of unique names: ${JSON.stringify(name)} appears twice`,
      );
    }
    seen.add(folded);
    if (withOp && folded === OP_COLUMN) {
      throw new InvalidOptionError(
        '`columns` must not contain `__op` when `withOp` is set: the operation is added as the last column',
      );
    }
  }
  return Object.freeze([...(value as string[])]);
}

/** Validates `timeZone` (`'utc'` by default). */
export function checkTimeZone(value: unknown): DateTimeZone {
  if (value === undefined) return 'utc';
  if (value !== 'utc' && value !== 'local')
    throw new InvalidOptionError("`timeZone` must be 'utc' or 'local'");
  return value;
}

/** Validates `withOp` (false by default). */
export function checkWithOp(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidOptionError('`withOp` must be a boolean');
  return value;
}

/**
 * Validates `columnTypes`: an object of StarRocks type names (recognised by their leading word:
 * DATE, DATETIME, VARCHAR(…), DECIMAL(…), JSON, ARRAY<…>…) whose keys are columns when the column
 * list is known.
 */
export function checkColumnTypes(
  value: unknown,
  columns: readonly string[] | null,
): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze(Object.create(null) as Record<string, string>);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(
      '`columnTypes` must be an object mapping column names to StarRocks type names',
    );
  }
  const types = value as Record<string, unknown>;
  for (const [column, typeName] of Object.entries(types)) {
    if (columns !== null && !columns.includes(column)) {
      throw new InvalidOptionError(`\`columnTypes\` names \`${column}\`, which is not in \`columns\``);
    }
    if (typeof typeName !== 'string' || parseTypeHint(typeName).kind === 'unknown') {
      throw new InvalidOptionError(
        `\`columnTypes.${column}\` must be a StarRocks type name such as 'DATE', 'DATETIME', 'VARCHAR(20)', ` +
          `'DECIMAL(38, 9)', 'JSON' or 'ARRAY<INT>', got ${JSON.stringify(typeName)}`,
      );
    }
  }
  // A null-prototype copy: columns named `constructor` & co. must not find inherited members.
  return Object.freeze(Object.assign(Object.create(null) as Record<string, string>, types));
}

/** The `columns` header: backquoted names joined by `,`, plus `` `__op` `` when ops are used. */
export function columnsHeader(columns: readonly string[], withOp: boolean): string {
  const names = withOp ? [...columns, OP_COLUMN] : columns;
  return names.map((name) => `\`${name}\``).join(',');
}
