import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../../src/errors.js';
import { type CsvSerializerOptions, createCsvSerializer } from '../../../src/serializers/index.js';

function csv(options: Partial<CsvSerializerOptions> = {}) {
  return createCsvSerializer({ columns: ['a', 'b', 'c'], ...options });
}

function errorOf(fn: () => unknown): SerializationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    return err as SerializationError;
  }
  throw new Error('expected a SerializationError');
}

describe('createCsvSerializer: properties', () => {
  it('defaults to tab / LF, in hex notation, with a backquoted columns list', () => {
    const s = csv();
    expect(s.format).toBe('csv');
    expect(s.properties).toEqual({
      format: 'csv',
      column_separator: '\\x09',
      row_delimiter: '\\x0A',
      columns: '`a`,`b`,`c`',
    });
    expect(s.rowDelimiter).toEqual(Buffer.from('\n'));
    expect(Object.isFrozen(s.properties)).toBe(true);
  });

  const separators: [string, string, string, Buffer][] = [
    ['\\x01', '\\x01', '0x02', Buffer.from([1])],
    ['0X1f (case-insensitive prefix)', '0X1f', '\\x0d0a', Buffer.from([0x1f])],
    ['a literal control character', '\u0001', '\u0002', Buffer.from([1])],
    ['a multi-character separator', '||', '\n', Buffer.from('||')],
    ['a multi-byte character', '§', '\n', Buffer.from('§')],
    ['a comma', ',', '\r\n', Buffer.from(',')],
  ];
  const expectedHex: Record<string, [string, string]> = {
    '\\x01': ['\\x01', '\\x02'],
    '0X1f (case-insensitive prefix)': ['\\x1F', '\\x0D0A'],
    'a literal control character': ['\\x01', '\\x02'],
    'a multi-character separator': ['\\x7C7C', '\\x0A'],
    'a multi-byte character': ['\\xC2A7', '\\x0A'],
    'a comma': ['\\x2C', '\\x0D0A'],
  };
  for (const [name, columnSeparator, rowDelimiter, sepBytes] of separators) {
    it(`sends ${name} as uppercase hex and uses it between fields`, () => {
      const s = csv({ columnSeparator, rowDelimiter });
      const [sepHex, delimHex] = expectedHex[name]!;
      expect(s.properties.column_separator).toBe(sepHex);
      expect(s.properties.row_delimiter).toBe(delimHex);
      expect(s.serialize(['x', 1, null])).toEqual(
        Buffer.concat([Buffer.from('x'), sepBytes, Buffer.from('1'), sepBytes, Buffer.from('\\N')]),
      );
    });
  }

  it('sends enclose and escape when set, and __op in columns with withOp', () => {
    const s = csv({ columnSeparator: ',', enclose: '"', escape: '\\', withOp: true });
    expect(s.properties).toEqual({
      format: 'csv',
      column_separator: '\\x2C',
      row_delimiter: '\\x0A',
      enclose: '"',
      escape: '\\',
      columns: '`a`,`b`,`c`,`__op`',
    });
  });
});

describe('createCsvSerializer: rows', () => {
  const ts = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
  it('serializes object rows in columns order, ignoring other keys', () => {
    const s = csv();
    expect(s.serializeToString({ c: 3, b: 'two', a: 1, extra: 'ignored' })).toBe('1\ttwo\t3');
  });
  it('treats missing keys and undefined as NULL', () => {
    expect(csv().serializeToString({ a: undefined, c: null })).toBe('\\N\t\\N\t\\N');
  });
  it('serializes array rows positionally', () => {
    expect(csv().serializeToString([1, 'x', ts])).toBe('1\tx\t2024-01-02 03:04:05.006000');
  });
  it('returns UTF-8 bytes from serialize', () => {
    expect(csv().serialize(['é', '😀', 0])).toEqual(Buffer.from('é\t😀\t0', 'utf8'));
  });
  it('renders a typical mixed row', () => {
    const s = createCsvSerializer({
      columns: ['id', 'name', 'price', 'big', 'day', 'at', 'ok', 'label', 'tags', 'attrs', 'doc'],
      columnTypes: { day: 'DATE', at: 'DATETIME', label: 'VARCHAR(10)', doc: 'JSON' },
    });
    const row = {
      id: 7,
      name: 'Ann',
      price: '99999999999999999999999999999999.999999',
      big: -(2n ** 127n - 1n),
      day: ts,
      at: ts,
      ok: true,
      label: false,
      tags: ['x', 'y'],
      attrs: new Map([['k', 1]]),
      doc: '{ "a": [1, 2] }',
    };
    expect(s.serializeToString(row)).toBe(
      [
        '7',
        'Ann',
        '99999999999999999999999999999999.999999',
        '-170141183460469231731687303715884105727',
        '2024-01-02',
        '2024-01-02 03:04:05.006000',
        '1',
        'false',
        '["x","y"]',
        '{"k":1}',
        '{"a":[1,2]}',
      ].join('\t'),
    );
  });
  it('renders Dates as local wall time with timeZone local', () => {
    const s = createCsvSerializer({ columns: ['t'], timeZone: 'local' });
    const d = new Date(2024, 5, 7, 8, 9, 10, 11); // local constructor
    expect(s.serializeToString([d])).toBe('2024-06-07 08:09:10.011000');
  });
  it('appends the operation with withOp (object key __op, or a trailing array value)', () => {
    const s = csv({ withOp: true });
    expect(s.serializeToString({ a: 1, b: 2, c: 3, __op: 'upsert' })).toBe('1\t2\t3\t0');
    expect(s.serializeToString({ a: 1, b: 2, c: 3, __op: 'delete' })).toBe('1\t2\t3\t1');
    expect(s.serializeToString([1, 2, 3, 0])).toBe('1\t2\t3\t0');
    expect(s.serializeToString([1, 2, 3, 1])).toBe('1\t2\t3\t1');
  });
  for (const op of [undefined, null, 'UPSERT', 'insert', 2, '0', true, -1]) {
    it(`refuses the operation ${String(op)}`, () => {
      const e = errorOf(() => csv({ withOp: true }).serializeToString({ a: 1, b: 2, c: 3, __op: op }, 12));
      expect(e.column).toBe('__op');
      expect(e.rowIndex).toBe(12);
      expect(e.message).toMatch(/row 12, column `__op`: the operation must be 'upsert', 'delete', 0 or 1/);
    });
  }
  it('refuses array rows of the wrong length, naming the row', () => {
    expect(errorOf(() => csv().serializeToString([1, 2], 4)).message).toBe(
      'Cannot serialize row 4: an array row needs 3 values (3 columns), got 2',
    );
    expect(errorOf(() => csv({ withOp: true }).serializeToString([1, 2, 3])).message).toMatch(
      /needs 4 values \(3 columns and the operation\), got 3/,
    );
  });
  it('refuses rows that are neither objects nor arrays', () => {
    expect(errorOf(() => csv().serializeToString('a\tb' as never, 1)).message).toMatch(
      /row 1: a row must be an object or an array, got "a\\tb"/,
    );
    expect(errorOf(() => csv().serializeToString(null as never)).message).toMatch(/got null/);
  });
  it('names the row and column of a bad value', () => {
    const e = errorOf(() => csv().serializeToString({ a: 1, b: Number.NaN, c: 3 }, 41));
    expect(e.rowIndex).toBe(41);
    expect(e.column).toBe('b');
    expect(e.message).toMatch(/^Cannot serialize row 41, column `b`: NaN cannot be loaded/);
  });
  it('omits the row from messages when no index is given', () => {
    expect(errorOf(() => csv().serializeToString({ a: Buffer.alloc(1) })).message).toMatch(
      /^Cannot serialize column `a`: binary values/,
    );
  });
});

describe('createCsvSerializer: separators inside values', () => {
  it('without enclose/escape, refuses a value containing the separator and says what to do', () => {
    const e = errorOf(() => csv().serializeToString(['x', 'tab\there', 'y'], 3));
    expect(e.rowIndex).toBe(3);
    expect(e.column).toBe('b');
    expect(e.message).toBe(
      'Cannot serialize row 3, column `b`: the value contains the column separator "\\t" (\\x09); set `enclose` or ' +
        '`escape`, or choose a separator that cannot occur in the data (e.g. \\x01)',
    );
  });
  it('without enclose/escape, refuses a value containing the row delimiter', () => {
    expect(errorOf(() => csv().serializeToString(['line\nbreak', 1, 2], 0)).message).toMatch(
      /column `a`: the value contains the row delimiter "\\n" \(\\x0A\); set `enclose` or `escape`/,
    );
  });
  it('refuses a separator hidden in nested JSON text', () => {
    expect(errorOf(() => csv({ columnSeparator: ',' }).serializeToString([[1, 2], 0, 0])).message).toMatch(
      /column `a`: the value contains the column separator ","/,
    );
  });
  it('refuses a value whose end runs into a multi-character separator', () => {
    const s = csv({ columnSeparator: '||' });
    expect(s.serializeToString(['a|b', '|x', 'end|'])).toBe('a|b|||x||end|');
    expect(errorOf(() => s.serializeToString(['a|', 'b', 'c'], 2)).message).toMatch(
      /row 2, column `a`: the value ends with "\|", which with the following column separator "\|\|" \(\\x7C7C\) would be read as an earlier separator/,
    );
  });
  it('checks numbers and dates too when the separator could occur in them', () => {
    const s = csv({ columnSeparator: '-' });
    expect(s.serializeToString([1, 2, 3])).toBe('1-2-3');
    expect(errorOf(() => s.serializeToString([-1, 2, 3])).message).toMatch(/column separator "-"/);
    expect(errorOf(() => s.serializeToString([new Date(0), 2, 3])).message).toMatch(/column separator "-"/);
    const space = csv({ columnSeparator: ' ', withOp: true });
    expect(errorOf(() => space.serializeToString([new Date(0), 2, 3, 0])).message).toMatch(
      /column `a`: the value contains the column separator " "/,
    );
  });

  const enclosed: [string, Partial<CsvSerializerOptions>, unknown[], string][] = [
    [
      'encloses a value with the separator',
      { columnSeparator: ',', enclose: '"' },
      ['a,b', 'x', 1],
      '"a,b",x,1',
    ],
    [
      'encloses a value with the delimiter',
      { columnSeparator: ',', enclose: '"' },
      ['a\nb', 'x', 1],
      '"a\nb",x,1',
    ],
    [
      'doubles an inner enclose character',
      { columnSeparator: ',', enclose: '"' },
      ['say "hi"', 'x', 1],
      '"say ""hi""",x,1',
    ],
    ['leaves plain values alone', { columnSeparator: ',', enclose: '"' }, ['plain', '', 1.5], 'plain,,1.5'],
    [
      'encloses nested JSON with the separator',
      { columnSeparator: ',', enclose: '"' },
      [[1, 'x'], '', 0],
      '"[1,""x""]",,0',
    ],
    ['escapes the separator', { columnSeparator: ',', escape: '\\' }, ['a,b', 'c\\d', 1], 'a\\,b,c\\\\d,1'],
    ['escapes the delimiter', { columnSeparator: ',', escape: '\\' }, ['a\nb', '', 1], 'a\\\nb,,1'],
    [
      'escapes a whole multi-character separator',
      { columnSeparator: '||', escape: '\\' },
      ['a||b', 'x', 1],
      'a\\||b||x||1',
    ],
    [
      'escapes U+0000 (the implicit enclose byte)',
      { columnSeparator: ',', escape: '^' },
      ['a\0b', '^', 1],
      'a^\0b,^^,1',
    ],
    [
      'with both, encloses and escapes the quote',
      { columnSeparator: ',', enclose: '"', escape: '\\' },
      ['"lead', 'a,b', 'c\\d'],
      '"\\"lead","a,b","c\\\\d"',
    ],
    [
      'with both, leaves plain values alone',
      { columnSeparator: ',', enclose: '"', escape: '\\' },
      ['x', 'y', 'z'],
      'x,y,z',
    ],
  ];
  for (const [name, options, row, expected] of enclosed) {
    it(name, () => {
      expect(csv(options).serializeToString(row)).toBe(expected);
    });
  }

  it('with enclose only, refuses a value starting with the enclose character', () => {
    expect(
      errorOf(() => csv({ columnSeparator: ',', enclose: '"' }).serializeToString(['"x', 1, 2])).message,
    ).toMatch(
      /starts with the enclose character ", which StarRocks' CSV reader cannot read back when `enclose` is set without `escape`; set `escape` as well/,
    );
  });
  it('with enclose only, refuses U+0000 (StarRocks treats it as the escape character)', () => {
    expect(errorOf(() => csv({ enclose: '"' }).serializeToString(['a\0', 1, 2])).message).toMatch(/U\+0000/);
  });
  it('with escape only, refuses a value whose end runs into a multi-character separator', () => {
    expect(
      errorOf(() => csv({ columnSeparator: '||', escape: '\\' }).serializeToString(['a|', 1, 2])).message,
    ).toMatch(/ends with "\|".*set `enclose` as well/);
  });
  it('with enclose, encloses a value whose end runs into a multi-character separator', () => {
    expect(csv({ columnSeparator: '||', enclose: "'" }).serializeToString(['a|', 1, 2])).toBe("'a|'||1||2");
  });
});

describe('createCsvSerializer: NULL and the text \\N', () => {
  it('writes NULL as \\N, or \\\\N when the escape character is a backslash', () => {
    expect(csv().serializeToString([null, undefined, 'x'])).toBe('\\N\t\\N\tx');
    expect(csv({ enclose: '"' }).serializeToString([null, 1, 2])).toBe('\\N\t1\t2');
    expect(csv({ escape: '\\' }).serializeToString([null, 1, 2])).toBe('\\\\N\t1\t2');
    expect(csv({ escape: '^' }).serializeToString([null, 1, 2])).toBe('\\N\t1\t2');
  });
  for (const options of [{}, { enclose: '"' }, { escape: '\\' }, { enclose: '"', escape: '\\' }]) {
    it(`refuses the string \\N (${JSON.stringify(options)}): StarRocks would load NULL`, () => {
      const e = errorOf(() => csv(options).serializeToString(['a', '\\N', 'c'], 9));
      expect(e.column).toBe('b');
      expect(e.rowIndex).toBe(9);
      expect(e.message).toMatch(/the string "\\N" would load as NULL.*Use the JSON format/);
    });
  }
  it('keeps other backslash text', () => {
    expect(csv().serializeToString(['\\n', '\\NULL', 'N'])).toBe('\\n\t\\NULL\tN');
    expect(csv({ escape: '\\' }).serializeToString(['\\N!', 1, 2])).toBe('\\\\N!\t1\t2');
  });
  it('refuses an empty string as the only field (a blank line is skipped) unless enclose is set', () => {
    const single = createCsvSerializer({ columns: ['only'] });
    expect(errorOf(() => single.serializeToString([''], 5)).message).toMatch(
      /row 5, column `only`: an empty string as the only field makes a blank line/,
    );
    expect(createCsvSerializer({ columns: ['only'], enclose: '"' }).serializeToString({ only: '' })).toBe(
      '""',
    );
    expect(createCsvSerializer({ columns: ['only'], withOp: true }).serializeToString(['', 0])).toBe('\t0');
    expect(single.serializeToString([null])).toBe('\\N');
  });
});

describe('createCsvSerializer: exact numbers and JSON columns', () => {
  const s = createCsvSerializer({
    columns: ['n', 'd', 'j'],
    columnTypes: { n: 'LARGEINT', d: 'DECIMAL(38, 18)', j: 'JSON' },
  });
  const exact: [unknown, unknown, unknown, string][] = [
    [
      2n ** 127n - 1n,
      '12345678901234567890.123456789012345678',
      '[1, 2]',
      '170141183460469231731687303715884105727\t12345678901234567890.123456789012345678\t[1,2]',
    ],
    [
      -(2n ** 127n - 1n),
      '-0.000000000000000001',
      '"text"',
      '-170141183460469231731687303715884105727\t-0.000000000000000001\t"text"',
    ],
    [2n ** 64n, '1E+3', 'not json', '18446744073709551616\t1E+3\tnot json'],
    [9007199254740993n, 0.1, { k: [1n, null] }, '9007199254740993\t0.1\t{"k":[1,null]}'],
  ];
  for (const [n, d, j, expected] of exact) {
    it(`keeps ${String(n)} / ${String(d)} exact`, () => {
      expect(s.serializeToString([n, d, j])).toBe(expected);
    });
  }
});

describe('createCsvSerializer: column names shared with Object.prototype', () => {
  it('reads only own properties, so a missing key is NULL, not the inherited member', () => {
    const s = createCsvSerializer({ columns: ['constructor', 'toString', 'id'], columnTypes: { id: 'INT' } });
    expect(s.serializeToString({ id: 1 })).toBe('\\N\t\\N\t1');
    expect(s.serializeToString({ constructor: 'c', toString: 't', id: 2 })).toBe('c\tt\t2');
  });
});
