import { type CsvDialect, NULL_TEXT } from './csv-dialect.js';
import { describeSeparator, endCollides } from './separator.js';
import { serializationFailure } from './serialization-failure.js';

/** Turns the text of one value into the CSV field written for it. */
export type CsvFieldEncoder = (text: string, rowIndex: number) => string;

/**
 * Builds the encoder of one column. It reproduces how StarRocks' BE splits CSV (plain split when
 * neither `enclose` nor `escape` is set; otherwise its enclose/escape state machine, in which an
 * unset enclose or escape character is the byte 0x00):
 *
 * - always: the text `\N` is a `SerializationError` — StarRocks compares the field after removing
 *   enclose and escape characters with `\N`, so no quoting keeps it a string (use JSON format);
 *   and when the row has a single field, an empty string would make a blank line, which StarRocks
 *   skips: it is written as an enclosed empty field, or is an error without `enclose`.
 * - plain: a value containing the separator or the delimiter, or ending with the start of the
 *   multi-character separator that follows it, is a `SerializationError` that names the row and
 *   column and suggests `enclose`/`escape` or another separator.
 * - `escape` only: each whole occurrence of the separator or delimiter, and each escape character
 *   and U+0000 (the implicit enclose byte), is prefixed with the escape character.
 * - `enclose` only: values containing the separator, delimiter or enclose character are enclosed,
 *   inner enclose characters doubled. U+0000 (the implicit escape byte) and a leading enclose
 *   character (which StarRocks mis-reads as `""`-prefixed data) are `SerializationError`s.
 * - both: such values (or values with the escape character) are enclosed, and the enclose and
 *   escape characters inside are prefixed with the escape character.
 *
 * @param next  What follows this field: the column separator, or the row delimiter for the last field.
 * @param onlyField  The row has exactly one field.
 */
export function createCsvFieldEncoder(
  dialect: CsvDialect,
  column: string,
  next: string,
  onlyField: boolean,
): CsvFieldEncoder {
  const { columnSeparator: sep, rowDelimiter: delim, enclose, escape: escapeChar } = dialect;
  const nextName = next === delim ? 'row delimiter' : 'column separator';
  const endChars = next.length > 1 ? next.slice(0, -1) : '';
  /** The end of `text` plus `next` would show the separator too early. */
  const endClash = (text: string): boolean =>
    endChars !== '' &&
    text.length > 0 &&
    endChars.includes(text.charAt(text.length - 1)) &&
    endCollides(text, next);

  const fail = (reason: string, rowIndex: number) => serializationFailure(reason, column, rowIndex);
  const nullTextFailure = (rowIndex: number) =>
    fail(
      'the string "\\N" would load as NULL: StarRocks reads the CSV field \\N as NULL even when it is enclosed or ' +
        'escaped. Use the JSON format to load this text',
      rowIndex,
    );
  const blankFailure = (rowIndex: number) =>
    fail(
      'an empty string as the only field makes a blank line, which StarRocks skips; set `enclose` (an enclosed ' +
        'empty field loads as an empty string) or use the JSON format',
      rowIndex,
    );
  const endFailure = (text: string, rowIndex: number, remedy: string) =>
    fail(
      `the value ends with ${JSON.stringify(text.slice(-(next.length - 1)))}, which with the following ${nextName} ` +
        `${describeSeparator(next)} would be read as an earlier separator; ${remedy}`,
      rowIndex,
    );

  if (enclose === null && escapeChar === null) {
    const remedy =
      'set `enclose` or `escape`, or choose a separator that cannot occur in the data (e.g. \\x01)';
    return (text, rowIndex) => {
      if (text.indexOf(sep) === -1 && text.indexOf(delim) === -1 && !endClash(text)) {
        if (text.length <= 2) {
          if (text === NULL_TEXT) throw nullTextFailure(rowIndex);
          if (text.length === 0 && onlyField) throw blankFailure(rowIndex);
        }
        return text;
      }
      if (text.indexOf(sep) !== -1) {
        throw fail(`the value contains the column separator ${describeSeparator(sep)}; ${remedy}`, rowIndex);
      }
      if (text.indexOf(delim) !== -1) {
        throw fail(`the value contains the row delimiter ${describeSeparator(delim)}; ${remedy}`, rowIndex);
      }
      throw endFailure(text, rowIndex, remedy);
    };
  }

  if (enclose === null && escapeChar !== null) {
    const sep0 = sep.charCodeAt(0);
    const delim0 = delim.charCodeAt(0);
    const esc = escapeChar.charCodeAt(0);
    return (text, rowIndex) => {
      if (text.length <= 2) {
        if (text === NULL_TEXT) throw nullTextFailure(rowIndex);
        if (text.length === 0 && onlyField) throw blankFailure(rowIndex);
      }
      if (
        text.indexOf(escapeChar) === -1 &&
        text.indexOf('\0') === -1 &&
        text.indexOf(sep) === -1 &&
        text.indexOf(delim) === -1
      ) {
        if (endClash(text))
          throw endFailure(text, rowIndex, 'set `enclose` as well, or choose another separator');
        return text;
      }
      let out = '';
      let literalStart = 0;
      let i = 0;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        let unit = 0;
        if (c === sep0 && text.startsWith(sep, i)) unit = sep.length;
        else if (c === delim0 && text.startsWith(delim, i)) unit = delim.length;
        else if (c === esc || c === 0) unit = 1;
        if (unit === 0) {
          i++;
          continue;
        }
        out += text.slice(literalStart, i) + escapeChar + text.slice(i, i + unit);
        i += unit;
        literalStart = i;
      }
      const tail = text.slice(literalStart);
      if (endClash(tail))
        throw endFailure(text, rowIndex, 'set `enclose` as well, or choose another separator');
      return out + tail;
    };
  }

  const quote = enclose as string;
  if (escapeChar === null) {
    const doubled = quote + quote;
    return (text, rowIndex) => {
      if (text.length <= 2) {
        if (text === NULL_TEXT) throw nullTextFailure(rowIndex);
        if (text.length === 0 && onlyField) return doubled;
      }
      const hasNul = text.indexOf('\0') !== -1;
      if (
        !hasNul &&
        text.indexOf(quote) === -1 &&
        text.indexOf(sep) === -1 &&
        text.indexOf(delim) === -1 &&
        !endClash(text)
      ) {
        return text;
      }
      if (hasNul) {
        throw fail(
          "the value contains U+0000, which StarRocks' CSV reader treats as an escape character when `enclose` " +
            'is set without `escape`; set `escape` as well',
          rowIndex,
        );
      }
      if (text.startsWith(quote)) {
        throw fail(
          `the value starts with the enclose character ${quote}, which StarRocks' CSV reader cannot read back ` +
            'when `enclose` is set without `escape`; set `escape` as well',
          rowIndex,
        );
      }
      return quote + text.replaceAll(quote, doubled) + quote;
    };
  }

  const q = quote.charCodeAt(0);
  const esc = escapeChar.charCodeAt(0);
  return (text, rowIndex) => {
    if (text.length <= 2) {
      if (text === NULL_TEXT) throw nullTextFailure(rowIndex);
      if (text.length === 0 && onlyField) return quote + quote;
    }
    if (
      text.indexOf(quote) === -1 &&
      text.indexOf(escapeChar) === -1 &&
      text.indexOf(sep) === -1 &&
      text.indexOf(delim) === -1 &&
      !endClash(text)
    ) {
      return text;
    }
    let out = quote;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === q || c === esc) {
        out += text.slice(start, i) + escapeChar;
        start = i;
      }
    }
    return `${out}${text.slice(start)}${quote}`;
  };
}
