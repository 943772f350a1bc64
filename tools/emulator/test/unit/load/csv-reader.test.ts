import { describe, expect, it } from 'vitest';
import { type CsvFormat, readCsv } from '../../../src/load/csv-reader.js';

interface Rec {
  fields: (string | null)[] | null;
  line: string;
  error?: string;
}

function read(
  body: string | Buffer,
  opts: Partial<Omit<CsvFormat, 'columnSeparator' | 'rowDelimiter'>> & {
    sep?: string | Buffer;
    row?: string | Buffer;
  } = {},
): Rec[] {
  const format: CsvFormat = {
    columnSeparator: Buffer.isBuffer(opts.sep) ? opts.sep : Buffer.from(opts.sep ?? ','),
    rowDelimiter: Buffer.isBuffer(opts.row) ? opts.row : Buffer.from(opts.row ?? '\n'),
    enclose: opts.enclose ?? null,
    escape: opts.escape ?? null,
    trimSpace: opts.trimSpace ?? false,
    skipHeader: opts.skipHeader ?? 0,
  };
  const out: Rec[] = [];
  readCsv(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), format, (fields, line, error) => {
    out.push(error === undefined ? { fields, line } : { fields, line, error });
  });
  return out;
}

const fieldsOf = (recs: Rec[]) => recs.map((r) => r.fields);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Runs a case both through the plain-text path and the byte path (forced by an unused escape byte). */
const PATHS = [
  { name: 'plain', extra: {} },
  { name: 'bytes', extra: { escape: 0x07 } },
] as const;

describe.each(PATHS)('basic splitting ($name path)', ({ extra }) => {
  it('records and fields', () => {
    expect(fieldsOf(read('a,b\nc,d\n', extra))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('the last record needs no trailing delimiter', () => {
    expect(fieldsOf(read('a,b\nc,d', extra))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('blank records are skipped', () => {
    expect(fieldsOf(read('\n\na,1\n\n\nb,2\n\n', extra))).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('an empty body gives no records', () => {
    expect(read('', extra)).toEqual([]);
    expect(read('\n\n', extra)).toEqual([]);
  });

  it('\\N is NULL, an empty field is an empty string', () => {
    expect(fieldsOf(read('a,\\N,,b\n\\N,x\\N,\\n,\\N\n', extra))).toEqual([
      ['a', null, '', 'b'],
      [null, 'x\\N', '\\n', null],
    ]);
  });

  it('a record with only separators is not blank', () => {
    expect(fieldsOf(read(',\n,,\n', extra))).toEqual([
      ['', ''],
      ['', '', ''],
    ]);
  });

  it('multi-byte column separators', () => {
    expect(fieldsOf(read('a||b||c\nx|y||z\n', { ...extra, sep: '||' }))).toEqual([
      ['a', 'b', 'c'],
      ['x|y', 'z'],
    ]);
    expect(fieldsOf(read('甲中乙中丙\n', { ...extra, sep: '中' }))).toEqual([['甲', '乙', '丙']]);
    expect(fieldsOf(read('a\x01b\x01\\N\n', { ...extra, sep: Buffer.from([0x01]) }))).toEqual([
      ['a', 'b', null],
    ]);
  });

  it('multi-byte row delimiters (\\x0D0A)', () => {
    const recs = read('a,b\r\nc,d\r\ne\nf,g', { ...extra, row: Buffer.from([0x0d, 0x0a]) });
    expect(fieldsOf(recs)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e\nf', 'g'],
    ]);
  });

  it('a tab separator and the text of each record', () => {
    const recs = read('1\tx\n2\ty', { ...extra, sep: '\t' });
    expect(recs).toEqual([
      { fields: ['1', 'x'], line: '1\tx' },
      { fields: ['2', 'y'], line: '2\ty' },
    ]);
  });

  it('skip_header skips leading lines', () => {
    expect(fieldsOf(read('h1,h2\nh3\na,b\nc,d\n', { ...extra, skipHeader: 2 }))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(fieldsOf(read('h\n', { ...extra, skipHeader: 5 }))).toEqual([]);
  });

  it('trim_space trims spaces around separators', () => {
    expect(fieldsOf(read(' a , b ,c  \n  \\N  ,x\n', { ...extra, trimSpace: true }))).toEqual([
      ['a', 'b', 'c'],
      [null, 'x'],
    ]);
    expect(fieldsOf(read(' a , b \n', extra))).toEqual([[' a ', ' b ']]);
  });
});

describe('enclose', () => {
  const enc = { enclose: QUOTE };

  it('separators inside an enclosed field are data', () => {
    expect(fieldsOf(read('a,"b,c",d\n', enc))).toEqual([['a', 'b,c', 'd']]);
  });

  it('row delimiters inside an enclosed field are data', () => {
    const recs = read('"line1\nline2",x\ny,"z\n"\n', enc);
    expect(fieldsOf(recs)).toEqual([
      ['line1\nline2', 'x'],
      ['y', 'z\n'],
    ]);
    expect(recs[0]!.line).toBe('"line1\nline2",x');
  });

  it('a multi-byte row delimiter inside an enclosed field', () => {
    expect(fieldsOf(read('"a\r\nb",c\r\nd,e\r\n', { ...enc, row: Buffer.from([0x0d, 0x0a]) }))).toEqual([
      ['a\r\nb', 'c'],
      ['d', 'e'],
    ]);
  });

  it('a doubled enclose character is one literal one', () => {
    expect(fieldsOf(read('"say ""hi""",y\n"""",z\n', enc))).toEqual([
      ['say "hi"', 'y'],
      ['"', 'z'],
    ]);
  });

  it('an empty enclosed field is an empty string', () => {
    expect(fieldsOf(read('"",x\n', enc))).toEqual([['', 'x']]);
  });

  it('an enclosed \\N is the text \\N, not NULL', () => {
    expect(fieldsOf(read('"\\N",\\N\n', enc))).toEqual([['\\N', null]]);
  });

  it('an enclose character inside an unenclosed field is data', () => {
    expect(fieldsOf(read('a"b,c\n', enc))).toEqual([['a"b', 'c']]);
  });

  it('enclosed fields with a multi-byte separator', () => {
    expect(fieldsOf(read('"a||b"||c\n', { ...enc, sep: '||' }))).toEqual([['a||b', 'c']]);
  });

  it('trim_space trims around but not inside enclosed fields', () => {
    expect(fieldsOf(read('  " a " , b ,"c"  \n', { ...enc, trimSpace: true }))).toEqual([[' a ', 'b', 'c']]);
  });

  it('the last enclosed record without a trailing delimiter', () => {
    expect(fieldsOf(read('a,"b"', enc))).toEqual([['a', 'b']]);
  });

  it('a single quote as enclose', () => {
    expect(fieldsOf(read("'a,b',c\n", { enclose: 0x27 }))).toEqual([['a,b', 'c']]);
  });
});

describe('escape', () => {
  const esc = { escape: BACKSLASH };

  it('escapes a separator outside enclose', () => {
    expect(fieldsOf(read('a\\,b,c\n', esc))).toEqual([['a,b', 'c']]);
  });

  it('escapes a row delimiter', () => {
    expect(fieldsOf(read('a\\\nb,c\n', esc))).toEqual([['a\nb', 'c']]);
  });

  it('escapes the enclose character inside an enclosed field', () => {
    expect(fieldsOf(read('"a\\"b",c\n', { ...esc, enclose: QUOTE }))).toEqual([['a"b', 'c']]);
  });

  it('escapes the escape character', () => {
    expect(fieldsOf(read('a\\\\b,c\n', esc))).toEqual([['a\\b', 'c']]);
  });

  it('a custom escape byte', () => {
    expect(fieldsOf(read('a^,b,c\n', { escape: 0x5e }))).toEqual([['a,b', 'c']]);
  });
});

describe('invalid UTF-8', () => {
  it('a row with invalid UTF-8 is reported, the others are read', () => {
    const body = Buffer.concat([
      Buffer.from('ok,1\n'),
      Buffer.from([0x61, 0xff, 0x2c, 0x31, 0x0a]),
      Buffer.from('x,2\n'),
      Buffer.from([0xc3, 0x28, 0x2c, 0x33]),
    ]);
    const recs = read(body);
    expect(recs.map((r) => [r.fields, r.error])).toEqual([
      [['ok', '1'], undefined],
      [null, 'Invalid UTF-8 row'],
      [['x', '2'], undefined],
      [null, 'Invalid UTF-8 row'],
    ]);
  });

  it('also with enclose', () => {
    const body = Buffer.concat([Buffer.from('"a",'), Buffer.from([0xfe]), Buffer.from('\n"b",c\n')]);
    const recs = read(body, { enclose: QUOTE });
    expect(recs.map((r) => r.error ?? r.fields)).toEqual(['Invalid UTF-8 row', ['b', 'c']]);
  });

  it('valid multi-byte text is fine on the byte path', () => {
    expect(fieldsOf(read('"é,ü",中\n', { enclose: QUOTE }))).toEqual([['é,ü', '中']]);
  });
});
