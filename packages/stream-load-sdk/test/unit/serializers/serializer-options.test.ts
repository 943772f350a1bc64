import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import { createCsvSerializer, createJsonSerializer } from '../../../src/serializers/index.js';

function optionError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).code).toBe('SR_INVALID_OPTION');
    return (err as Error).message;
  }
  throw new Error('expected an InvalidOptionError');
}

const columns = ['a', 'b'];

describe('createCsvSerializer option validation', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no options object', undefined, /createCsvSerializer options must be an object/],
    ['an unknown key', { columns, separator: ',' }, /unknown option `separator` for createCsvSerializer/],
    ['no columns', {}, /`columns` is required/],
    ['empty columns', { columns: [] }, /`columns` must be a non-empty list of unique names/],
    ['columns not an array', { columns: 'a,b' }, /`columns` must be a non-empty list of unique names/],
    ['an empty column name', { columns: ['a', ''] }, /`columns` must be a non-empty list of unique names/],
    ['a non-string column name', { columns: ['a', 1] }, /`columns` must be a non-empty list of unique names/],
    ['duplicate columns', { columns: ['a', 'A'] }, /unique names: "A" appears twice/],
    ['a backquote in a name', { columns: ['a`b'] }, /must not contain a backquote/],
    [
      '__op in columns with withOp',
      { columns: ['a', '__op'], withOp: true },
      /must not contain `__op` when `withOp`/,
    ],
    ['an empty columnSeparator', { columns, columnSeparator: '' }, /`columnSeparator` must not be empty/],
    ['a non-string columnSeparator', { columns, columnSeparator: 9 }, /`columnSeparator` must be a string/],
    ['an empty rowDelimiter', { columns, rowDelimiter: '' }, /`rowDelimiter` must not be empty/],
    ['bad hex', { columns, columnSeparator: '\\x1' }, /`columnSeparator` "\\\\x1" is not valid hex notation/],
    ['non-hex digits', { columns, rowDelimiter: '0xZZ' }, /`rowDelimiter` "0xZZ" is not valid hex notation/],
    ['a bare hex prefix', { columns, columnSeparator: '0x' }, /not valid hex notation/],
    ['hex that is not UTF-8', { columns, columnSeparator: '\\xFF' }, /must decode to UTF-8 text/],
    ['a separator over 50 bytes', { columns, columnSeparator: '|'.repeat(51) }, /at most 50 bytes/],
    [
      'separator equal to delimiter',
      { columns, columnSeparator: '\n' },
      /`columnSeparator` and `rowDelimiter` must differ/,
    ],
    ['the same bytes in hex', { columns, columnSeparator: '\\x0A' }, /must differ/],
    ['one containing the other', { columns, columnSeparator: '\n\n' }, /must not contain one another/],
    ['overlapping separators', { columns, columnSeparator: 'ab', rowDelimiter: 'bc' }, /must not overlap/],
    [
      'a separator inside the NULL marker',
      { columns, columnSeparator: 'N' },
      /`columnSeparator` must not overlap the NULL marker/,
    ],
    ['a backslash separator', { columns, columnSeparator: '\\' }, /must not overlap the NULL marker/],
    ['a two-character enclose', { columns, enclose: '""' }, /`enclose` must be one character/],
    ['an empty escape', { columns, escape: '' }, /`escape` must be one character/],
    ['a letter as enclose', { columns, enclose: 'q' }, /`enclose` must be an ASCII punctuation character/],
    ['a non-ASCII escape', { columns, escape: '§' }, /`escape` must be an ASCII punctuation character/],
    ['a space as escape', { columns, escape: ' ' }, /`escape` must be an ASCII punctuation/],
    ['enclose equal to escape', { columns, enclose: '"', escape: '"' }, /`enclose` and `escape` must differ/],
    ['a backslash enclose', { columns, enclose: '\\' }, /`enclose` must not be \\/],
    [
      'enclose inside the separator',
      { columns, columnSeparator: '","', enclose: '"' },
      /`columnSeparator` must not contain the `enclose` character/,
    ],
    [
      'escape inside the delimiter',
      { columns, rowDelimiter: '^\n', escape: '^' },
      /`rowDelimiter` must not contain the `escape` character/,
    ],
    [
      'NUL in a separator with enclose',
      { columns, columnSeparator: '\\x00', enclose: '"' },
      /must not contain U\+0000/,
    ],
    ['a bad timeZone', { columns, timeZone: 'UTC' }, /`timeZone` must be 'utc' or 'local'/],
    ['a bad withOp', { columns, withOp: 'yes' }, /`withOp` must be a boolean/],
    ['columnTypes not an object', { columns, columnTypes: ['DATE'] }, /`columnTypes` must be an object/],
    [
      'columnTypes for an unknown column',
      { columns, columnTypes: { z: 'DATE' } },
      /`columnTypes` names `z`, which is not in `columns`/,
    ],
    [
      'an unknown type name',
      { columns, columnTypes: { a: 'DATTIME' } },
      /`columnTypes.a` must be a StarRocks type name .* got "DATTIME"/,
    ],
    [
      'a non-string type',
      { columns, columnTypes: { a: 1 } },
      /`columnTypes.a` must be a StarRocks type name/,
    ],
  ];
  for (const [name, options, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(optionError(() => createCsvSerializer(options as never))).toMatch(message);
    });
  }

  it('accepts type names in any case, with parameters', () => {
    const s = createCsvSerializer({
      columns: ['a', 'b', 'c', 'd'],
      columnTypes: { a: 'decimal(38, 9)', b: 'Varchar(20)', c: 'ARRAY<DATE>', d: 'largeint' },
    });
    expect(s.format).toBe('csv');
  });
  it('accepts options with undefined optional values', () => {
    expect(() =>
      createCsvSerializer({ columns, enclose: undefined, escape: undefined, timeZone: undefined }),
    ).not.toThrow();
  });
});

describe('createJsonSerializer option validation', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null options', null, /createJsonSerializer options must be an object/],
    ['an unknown key', { columnSeparator: ',' }, /unknown option `columnSeparator` for createJsonSerializer/],
    ['empty columns', { columns: [] }, /`columns` must be a non-empty list of unique names/],
    ['duplicate columns', { columns: ['x', 'x'] }, /appears twice/],
    ['__op with withOp', { columns: ['__OP'], withOp: true }, /must not contain `__op`/],
    ['a bad timeZone', { timeZone: 'Europe/Paris' }, /`timeZone` must be 'utc' or 'local'/],
    ['columnTypes for an unknown column', { columns: ['a'], columnTypes: { b: 'JSON' } }, /not in `columns`/],
    [
      'an unknown type name',
      { columnTypes: { b: 'JSONB' } },
      /`columnTypes.b` must be a StarRocks type name/,
    ],
  ];
  for (const [name, options, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(optionError(() => createJsonSerializer(options as never))).toMatch(message);
    });
  }
  it('accepts columnTypes for any key without columns', () => {
    expect(
      createJsonSerializer({ columnTypes: { anything: 'JSON' } }).serializeToString({ anything: '[1]' }),
    ).toBe('{"anything":[1]}');
  });
});
