const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\x1a': '\\Z',
};

/**
 * A double-quoted SQL string literal as StarRocks reads it: backslash, both quotes and control
 * characters are escaped (`a"b\c` → `"a\"b\\c"`), so nothing inside can end the literal.
 */
export function quoteString(value: string): string {
  return `"${value.replace(/[\\"'\n\r\t\0\b\x1a]/g, (c) => ESCAPES[c]!)}"`;
}
