import { serializationFailure } from './serialization-failure.js';

/**
 * Plain decimal text of a finite number, as StarRocks parses it: the shortest digits that
 * round-trip (the digits of `String(n)`), never in exponent notation (`1e21` →
 * `1000000000000000000000`, `1.5e-7` → `0.00000015`); `-0` is `0`. NaN and ±Infinity are a
 * `SerializationError` naming the column: StarRocks loads have no literal for them.
 */
export function formatNumber(n: number, column: string, rowIndex: number): string {
  if ((n | 0) === n) return String(n); // 32-bit integers (and -0, printed as 0)
  // n - n is 0 for every finite number and NaN for NaN and ±Infinity.
  if (n - n !== 0) {
    throw serializationFailure(
      `${String(n)} cannot be loaded: only finite numbers are supported (StarRocks loads have no NaN or Infinity literal)`,
      column,
      rowIndex,
    );
  }
  const s = String(n);
  return s.indexOf('e') === -1 ? s : expandExponent(s);
}

/** Rewrites `String(n)` output such as `-1.25e+21` or `5e-7` without the exponent. */
function expandExponent(s: string): string {
  const negative = s.charCodeAt(0) === 45; /* - */
  const e = s.indexOf('e');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Number of digits before the decimal point once the exponent is applied.
  const point = (dot === -1 ? mantissa.length : dot) + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${plain}` : plain;
}
