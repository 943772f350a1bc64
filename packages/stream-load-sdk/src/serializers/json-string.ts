/**
 * `JSON.stringify` for a string, with a fast path for the common short string that needs no
 * escaping (no `"`, `\`, control characters or UTF-16 surrogates): it is only wrapped in quotes.
 */
export function jsonString(s: string): string {
  if (s.length > 64) return JSON.stringify(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}
