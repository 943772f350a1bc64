import { isUtf8 } from 'node:buffer';
import { InvalidOptionError } from '../errors.js';

/** StarRocks accepts separators of up to 50 bytes (spec §2.4). */
export const MAX_SEPARATOR_BYTES = 50;

const HEX_PREFIX = /^(?:\\x|0x)/i;
const HEX_DIGITS = /^[0-9a-f]+$/i;

/**
 * Decodes a `columnSeparator`/`rowDelimiter` option the way StarRocks reads the header: a value
 * starting with `\x` or `0x` (case-insensitive) is hex notation of the bytes (`\x01`, `0x7C7C`,
 * `\x0D0A`); anything else is the text itself (a real tab, `'||'`, `'\u0001'`…; the two characters
 * `\t` are not a tab). The result must be non-empty UTF-8 text of at most 50 bytes.
 * Throws `InvalidOptionError` naming `option`.
 */
export function parseSeparator(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new InvalidOptionError(`\`${option}\` must be a string`);
  if (value === '') throw new InvalidOptionError(`\`${option}\` must not be empty`);
  let text = value;
  if (HEX_PREFIX.test(value)) {
    const hex = value.slice(2);
    if (hex.length === 0 || hex.length % 2 !== 0 || !HEX_DIGITS.test(hex)) {
      throw new InvalidOptionError(
        `\`${option}\` ${JSON.stringify(value)} is not valid hex notation: write an even number of hex digits after \\x or 0x, e.g. \\x01`,
      );
    }
    const bytes = Buffer.from(hex, 'hex');
    if (!isUtf8(bytes)) {
      throw new InvalidOptionError(`\`${option}\` ${JSON.stringify(value)} must decode to UTF-8 text`);
    }
    text = bytes.toString('utf8');
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_SEPARATOR_BYTES) {
    throw new InvalidOptionError(`\`${option}\` must be at most ${MAX_SEPARATOR_BYTES} bytes`);
  }
  return text;
}

/**
 * The header spelling of a separator: `\x` followed by the uppercase hex digits of its UTF-8
 * bytes (tab → `\x09`, CRLF → `\x0D0A`, `'||'` → `\x7C7C`). Every StarRocks version decodes it.
 */
export function toHexNotation(text: string): string {
  return `\\x${Buffer.from(text, 'utf8').toString('hex').toUpperCase()}`;
}

/** Readable form of a separator for messages: JSON-quoted text plus its hex notation. */
export function describeSeparator(text: string): string {
  return `${JSON.stringify(text)} (${toHexNotation(text)})`;
}

/** True when a non-empty proper suffix of `a` is a prefix of `b` (e.g. `'ab'` and `'bc'`). */
function suffixStartsOther(a: string, b: string): boolean {
  const max = Math.min(a.length, b.length) - 1;
  for (let k = 1; k <= max; k++) if (b.startsWith(a.slice(a.length - k))) return true;
  return false;
}

/**
 * Checks that the column separator and row delimiter can always be told apart: they differ,
 * neither contains the other, and the end of one never starts the other (`'ab'` with `'bc'` would
 * make `abc` ambiguous). Throws `InvalidOptionError`.
 */
export function checkSeparatorPair(columnSeparator: string, rowDelimiter: string): void {
  if (columnSeparator === rowDelimiter) {
    throw new InvalidOptionError('`columnSeparator` and `rowDelimiter` must differ');
  }
  if (columnSeparator.includes(rowDelimiter) || rowDelimiter.includes(columnSeparator)) {
    throw new InvalidOptionError('`columnSeparator` and `rowDelimiter` must not contain one another');
  }
  if (suffixStartsOther(columnSeparator, rowDelimiter) || suffixStartsOther(rowDelimiter, columnSeparator)) {
    throw new InvalidOptionError(
      '`columnSeparator` and `rowDelimiter` must not overlap (the end of one must not start the other)',
    );
  }
}

/**
 * True when `text` followed by `next` contains `next` before the end of `text`, i.e. a reader
 * would see the separator too early (`'a|'` followed by `'||'` reads as `a` + `||` + `|`). Only
 * possible for separators longer than one character; assumes `text` itself does not contain `next`.
 */
export function endCollides(text: string, next: string): boolean {
  const keep = Math.min(text.length, next.length - 1);
  if (keep <= 0) return false;
  const tail = text.slice(text.length - keep);
  return (tail + next).indexOf(next) < keep;
}
