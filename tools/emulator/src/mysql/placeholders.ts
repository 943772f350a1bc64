function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

/**
 * Finds the offsets of the `?` placeholders of a statement, skipping string literals ('…', "…" with
 * backslash escapes and doubled quotes), quoted identifiers (`…`) and comments (`-- `, `#`, `/* … *\/`).
 */
export function findPlaceholders(sql: string): number[] {
  const positions: number[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      i++;
      while (i < n) {
        const d = sql[i];
        if (d === '\\') i += 2;
        else if (d === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      i = end < 0 ? n : end + 1;
    } else if (c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= n || isSpace(sql[i + 2])))) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else {
      if (c === '?') positions.push(i);
      i++;
    }
  }
  return positions;
}

/** Replaces the placeholders at `positions` (from {@link findPlaceholders}) with `literals`, in order. */
export function substitutePlaceholders(
  sql: string,
  positions: readonly number[],
  literals: readonly string[],
): string {
  if (positions.length === 0) return sql;
  const parts: string[] = [];
  let last = 0;
  for (let k = 0; k < positions.length; k++) {
    const at = positions[k]!;
    parts.push(sql.slice(last, at), literals[k] ?? 'NULL');
    last = at + 1;
  }
  parts.push(sql.slice(last));
  return parts.join('');
}
