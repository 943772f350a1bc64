/**
 * Checks that `text` is exactly one JSON value (RFC 8259, surrounding whitespace allowed) and returns
 * it without insignificant whitespace; every other character is kept as written, so numbers keep
 * all their digits. Returns `undefined` when `text` is not valid JSON (or nests too deeply).
 */
export function compactJsonText(text: string): string | undefined {
  const cursor: Cursor = { s: text, i: 0, whitespace: false };
  try {
    skipWhitespace(cursor);
    if (!parseValue(cursor, 0)) return undefined;
    skipWhitespace(cursor);
    if (cursor.i !== text.length) return undefined;
  } catch {
    return undefined; // stack exhausted by pathological nesting
  }
  return cursor.whitespace ? stripWhitespace(text) : text;
}

interface Cursor {
  readonly s: string;
  i: number;
  /** Whitespace was seen outside strings. */
  whitespace: boolean;
}

const MAX_DEPTH = 1000;

function skipWhitespace(c: Cursor): void {
  const { s } = c;
  let i = c.i;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch !== 0x20 && ch !== 0x09 && ch !== 0x0a && ch !== 0x0d) break;
    i++;
  }
  if (i !== c.i) c.whitespace = true;
  c.i = i;
}

function parseValue(c: Cursor, depth: number): boolean {
  const ch = c.s.charCodeAt(c.i);
  if (ch === 0x7b /* { */) return depth < MAX_DEPTH && parseObject(c, depth + 1);
  if (ch === 0x5b /* [ */) return depth < MAX_DEPTH && parseArray(c, depth + 1);
  if (ch === 0x22 /* " */) return parseString(c);
  if (ch === 0x74 /* t */) return parseLiteral(c, 'true');
  if (ch === 0x66 /* f */) return parseLiteral(c, 'false');
  if (ch === 0x6e /* n */) return parseLiteral(c, 'null');
  return parseNumber(c);
}

function parseObject(c: Cursor, depth: number): boolean {
  c.i++; // {
  skipWhitespace(c);
  if (c.s.charCodeAt(c.i) === 0x7d /* } */) {
    c.i++;
    return true;
  }
  for (;;) {
    if (c.s.charCodeAt(c.i) !== 0x22 || !parseString(c)) return false;
    skipWhitespace(c);
    if (c.s.charCodeAt(c.i) !== 0x3a /* : */) return false;
    c.i++;
    skipWhitespace(c);
    if (!parseValue(c, depth)) return false;
    skipWhitespace(c);
    const ch = c.s.charCodeAt(c.i++);
    if (ch === 0x7d) return true;
    if (ch !== 0x2c /* , */) return false;
    skipWhitespace(c);
  }
}

function parseArray(c: Cursor, depth: number): boolean {
  c.i++; // [
  skipWhitespace(c);
  if (c.s.charCodeAt(c.i) === 0x5d /* ] */) {
    c.i++;
    return true;
  }
  for (;;) {
    if (!parseValue(c, depth)) return false;
    skipWhitespace(c);
    const ch = c.s.charCodeAt(c.i++);
    if (ch === 0x5d) return true;
    if (ch !== 0x2c) return false;
    skipWhitespace(c);
  }
}

function isHex(ch: number): boolean {
  return (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x46) || (ch >= 0x61 && ch <= 0x66);
}

function parseString(c: Cursor): boolean {
  const { s } = c;
  let i = c.i + 1; // opening quote
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch === 0x22) {
      c.i = i + 1;
      return true;
    }
    if (ch < 0x20) return false;
    if (ch === 0x5c /* \ */) {
      const e = s.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        for (let k = 2; k < 6; k++) if (!isHex(s.charCodeAt(i + k))) return false;
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e !== 0x22 &&
        e !== 0x5c &&
        e !== 0x2f &&
        e !== 0x62 &&
        e !== 0x66 &&
        e !== 0x6e &&
        e !== 0x72 &&
        e !== 0x74
      )
        return false;
      i += 2;
      continue;
    }
    i++;
  }
  return false;
}

function parseLiteral(c: Cursor, word: string): boolean {
  if (!c.s.startsWith(word, c.i)) return false;
  c.i += word.length;
  return true;
}

function isDigit(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39;
}

function parseNumber(c: Cursor): boolean {
  const { s } = c;
  let i = c.i;
  if (s.charCodeAt(i) === 0x2d /* - */) i++;
  if (s.charCodeAt(i) === 0x30 /* 0 */) i++;
  else if (isDigit(s.charCodeAt(i))) while (isDigit(s.charCodeAt(i))) i++;
  else return false;
  if (s.charCodeAt(i) === 0x2e /* . */) {
    i++;
    if (!isDigit(s.charCodeAt(i))) return false;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  const e = s.charCodeAt(i);
  if (e === 0x65 || e === 0x45 /* e E */) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(s.charCodeAt(i))) return false;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  c.i = i;
  return true;
}

/** Removes whitespace outside strings from text already known to be valid JSON. */
function stripWhitespace(s: string): string {
  let out = '';
  let start = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) {
      out += s.slice(start, i);
      start = i + 1;
    }
  }
  return out + s.slice(start);
}
