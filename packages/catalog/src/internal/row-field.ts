/** Reads a row value by column label, case-insensitively. */
export function field(row: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(row)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** A row value as text (`''` for NULL/absent). */
export function text(row: Readonly<Record<string, unknown>>, name: string): string {
  const v = field(row, name);
  return v === null || v === undefined ? '' : String(v);
}
