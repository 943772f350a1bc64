import { InvalidOptionError } from '../errors.js';
import { checkSeparatorPair, endCollides, parseSeparator } from './separator.js';

/** The CSV layout of a load: what separates fields and records, and the optional quote characters. */
export interface CsvDialect {
  readonly columnSeparator: string;
  readonly rowDelimiter: string;
  readonly enclose: string | null;
  readonly escape: string | null;
}

/** The field text StarRocks reads as NULL. */
export const NULL_TEXT = '\\N';

/**
 * What to write for NULL so that StarRocks reads `\N` after unescaping: `\N`, or `\\N` when the
 * escape character is a backslash (a bare `\N` would then unescape to `N`).
 */
export function csvNullField(dialect: CsvDialect): string {
  return dialect.escape === '\\' ? '\\\\N' : NULL_TEXT;
}

function checkQuoteCharacter(value: unknown, option: 'enclose' | 'escape'): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length !== 1) {
    throw new InvalidOptionError(`\`${option}\` must be one character`);
  }
  const c = value.charCodeAt(0);
  const alphanumeric = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (c < 0x21 || c > 0x7e || alphanumeric) {
    throw new InvalidOptionError(
      `\`${option}\` must be an ASCII punctuation character such as " or \\ (StarRocks reads a single byte)`,
    );
  }
  return value;
}

/**
 * Reads and validates the `columnSeparator`, `rowDelimiter`, `enclose` and `escape` options together
 * (`InvalidOptionError` naming the option): separators per {@link parseSeparator} that can always
 * be told apart; `enclose`/`escape` single ASCII punctuation characters, different, absent from the
 * separators (as is U+0000 once either is set), `enclose` not a backslash; and separators that
 * cannot be confused with the NULL marker.
 */
export function checkCsvDialect(o: Readonly<Record<string, unknown>>): CsvDialect {
  const sep = o.columnSeparator === undefined ? '\t' : parseSeparator(o.columnSeparator, 'columnSeparator');
  const delim = o.rowDelimiter === undefined ? '\n' : parseSeparator(o.rowDelimiter, 'rowDelimiter');
  checkSeparatorPair(sep, delim);
  const enclose = checkQuoteCharacter(o.enclose, 'enclose');
  const escapeChar = checkQuoteCharacter(o.escape, 'escape');
  if (enclose !== null && enclose === escapeChar)
    throw new InvalidOptionError('`enclose` and `escape` must differ');
  if (enclose === '\\') {
    throw new InvalidOptionError('`enclose` must not be \\: the NULL marker \\N starts with it');
  }
  const separators: [string, string][] = [
    ['columnSeparator', sep],
    ['rowDelimiter', delim],
  ];
  const dialect: CsvDialect = { columnSeparator: sep, rowDelimiter: delim, enclose, escape: escapeChar };
  const nullField = csvNullField(dialect);
  for (const [option, text] of separators) {
    if (enclose !== null && text.includes(enclose)) {
      throw new InvalidOptionError(`\`${option}\` must not contain the \`enclose\` character`);
    }
    if (escapeChar !== null && text.includes(escapeChar)) {
      throw new InvalidOptionError(`\`${option}\` must not contain the \`escape\` character`);
    }
    if ((enclose !== null || escapeChar !== null) && text.includes('\0')) {
      throw new InvalidOptionError(
        `\`${option}\` must not contain U+0000 when \`enclose\` or \`escape\` is set (StarRocks uses byte 0 for the one not set)`,
      );
    }
    if (nullField.includes(text) || endCollides(nullField, text)) {
      throw new InvalidOptionError(`\`${option}\` must not overlap the NULL marker ${nullField}`);
    }
  }
  return Object.freeze(dialect);
}
