/**
 * The shortest decimal that rounds to the same float32 as `v`, as StarRocks prints a FLOAT: 1.1, not
 * its double widening 1.100000023841858. Scans and lookups both read FLOAT through this.
 */
export function shortestFloat32(v: number): number {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || f === 0) return f;
  for (let p = 1; p < 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return Number(f.toPrecision(9));
}
