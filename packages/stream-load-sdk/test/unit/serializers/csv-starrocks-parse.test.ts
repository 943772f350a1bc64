import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../../src/errors.js';
import { createCsvSerializer } from '../../../src/serializers/index.js';
import { parseStarRocksCsv, type ReferenceCsvOptions } from './starrocks-csv-reference.js';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'b',
  'N',
  ',',
  '|',
  '||',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '"',
  '""',
  "'",
  '\\',
  '\\N',
  '^',
  '\0',
  '\u0001',
  '\u0002',
  ' ',
  'é',
  '§',
  '😀',
  '[1,2]',
  '{"k":"v"}',
];

function randomText(next: () => number): string {
  const r = next();
  if (r < 0.05) return '';
  if (r < 0.08) return '\\N';
  let s = '';
  const length = Math.floor(next() * 6);
  for (let i = 0; i < length; i++) s += PIECES[Math.floor(next() * PIECES.length)]!;
  return s;
}

interface Dialect extends ReferenceCsvOptions {
  readonly name: string;
  /** Option values as given to the serializer (may be hex notation). */
  readonly separatorOption?: string;
  readonly delimiterOption?: string;
}

const DIALECTS: Dialect[] = [
  { name: 'tab / LF (defaults), plain', columnSeparator: '\t', rowDelimiter: '\n' },
  {
    name: '\\x01 / \\x02, plain',
    columnSeparator: '\u0001',
    rowDelimiter: '\u0002',
    separatorOption: '\\x01',
    delimiterOption: '0x02',
  },
  { name: '|| / LF, plain', columnSeparator: '||', rowDelimiter: '\n' },
  { name: ', / CRLF, plain', columnSeparator: ',', rowDelimiter: '\r\n', delimiterOption: '\\x0D0A' },
  { name: '§ / LF, plain', columnSeparator: '§', rowDelimiter: '\n' },
  { name: ', / LF, enclose "', columnSeparator: ',', rowDelimiter: '\n', enclose: '"' },
  { name: ', / LF, escape \\', columnSeparator: ',', rowDelimiter: '\n', escape: '\\' },
  { name: ', / LF, escape ^', columnSeparator: ',', rowDelimiter: '\n', escape: '^' },
  {
    name: ', / LF, enclose " and escape \\',
    columnSeparator: ',',
    rowDelimiter: '\n',
    enclose: '"',
    escape: '\\',
  },
  {
    name: "|| / CRLF, enclose ' and escape \\",
    columnSeparator: '||',
    rowDelimiter: '\r\n',
    enclose: "'",
    escape: '\\',
  },
  { name: '|| / LF, enclose "', columnSeparator: '||', rowDelimiter: '\n', enclose: '"' },
  { name: '|| / LF, escape \\', columnSeparator: '||', rowDelimiter: '\n', escape: '\\' },
  {
    name: 'tab / CRLF, enclose " and escape ^',
    columnSeparator: '\t',
    rowDelimiter: '\r\n',
    enclose: '"',
    escape: '^',
  },
];

describe('CSV output read back the way a StarRocks BE splits it', () => {
  for (const dialect of DIALECTS) {
    for (const width of [1, 3]) {
      it(`${dialect.name}, ${width} column(s): every row that serializes reads back exactly`, () => {
        const columns = Array.from({ length: width }, (_, i) => `c${i}`);
        const serializer = createCsvSerializer({
          columns,
          columnSeparator: dialect.separatorOption ?? dialect.columnSeparator,
          rowDelimiter: dialect.delimiterOption ?? dialect.rowDelimiter,
          ...(dialect.enclose ? { enclose: dialect.enclose } : {}),
          ...(dialect.escape ? { escape: dialect.escape } : {}),
        });
        const next = random(width * 1000 + DIALECTS.indexOf(dialect));
        const expected: (string | null)[][] = [];
        const parts: Buffer[] = [];
        const failures = new Map<string, number>();
        for (let r = 0; r < 3000; r++) {
          const row = columns.map(() => (next() < 0.05 ? null : randomText(next)));
          try {
            parts.push(serializer.serialize(row, r), serializer.rowDelimiter);
            expected.push(row);
          } catch (err) {
            expect(err).toBeInstanceOf(SerializationError);
            const reason = (err as Error).message
              .replace(/^Cannot serialize row \d+, column `c\d`: /, '')
              .slice(0, 40);
            failures.set(reason, (failures.get(reason) ?? 0) + 1);
          }
        }
        const parsed = parseStarRocksCsv(Buffer.concat(parts), dialect);
        expect(parsed).toEqual(expected);
        // With both enclose and escape every value but the text \N can be written.
        if (dialect.enclose && dialect.escape) {
          expect([...failures.keys()].every((reason) => reason.startsWith('the string "\\N"'))).toBe(true);
        }
        expect(expected.length).toBeGreaterThan(dialect.enclose || dialect.escape ? 1500 : 200);
      });
    }
  }

  it('plain text without separators always serializes and reads back', () => {
    const serializer = createCsvSerializer({ columns: ['a', 'b'] });
    const rows = [
      ['x', 'y'],
      ['', ''],
      ['with space', 'ünïcödé 😀'],
      ['"quoted"', "'single'"],
      ['back\\slash', 'N'],
    ];
    const body = Buffer.concat(
      rows.flatMap((row, i) => [serializer.serialize(row, i), serializer.rowDelimiter]),
    );
    expect(parseStarRocksCsv(body, { columnSeparator: '\t', rowDelimiter: '\n' })).toEqual(rows);
  });

  it('NULL reads back as NULL in every dialect (\\\\N when the escape character is a backslash)', () => {
    for (const dialect of DIALECTS) {
      const serializer = createCsvSerializer({
        columns: ['a', 'b'],
        columnSeparator: dialect.columnSeparator,
        rowDelimiter: dialect.rowDelimiter,
        ...(dialect.enclose ? { enclose: dialect.enclose } : {}),
        ...(dialect.escape ? { escape: dialect.escape } : {}),
      });
      const body = Buffer.concat([serializer.serialize([null, 'x']), serializer.rowDelimiter]);
      expect(parseStarRocksCsv(body, dialect), dialect.name).toEqual([[null, 'x']]);
    }
  });
});

describe('the reference model reproduces the BE quirks the serializer avoids', () => {
  const comma = { columnSeparator: ',', rowDelimiter: '\n' };
  it('reads \\N as NULL even when enclosed or escaped', () => {
    expect(parseStarRocksCsv(Buffer.from('"\\N",x\n'), { ...comma, enclose: '"' })).toEqual([[null, 'x']]);
    expect(parseStarRocksCsv(Buffer.from('\\\\N,x\n'), { ...comma, escape: '\\' })).toEqual([[null, 'x']]);
  });
  it('reads a bare \\N as N when the escape character is a backslash', () => {
    expect(parseStarRocksCsv(Buffer.from('\\N,x\n'), { ...comma, escape: '\\' })).toEqual([['N', 'x']]);
  });
  it('misreads an RFC 4180 field that starts with a doubled enclose character', () => {
    const rows = parseStarRocksCsv(Buffer.from('"""a",x\n'), { ...comma, enclose: '"' });
    expect(rows).not.toEqual([['"a', 'x']]);
  });
  it('skips blank records, so an empty single field disappears unless enclosed', () => {
    expect(parseStarRocksCsv(Buffer.from('\nx\n'), comma)).toEqual([['x']]);
    expect(parseStarRocksCsv(Buffer.from('""\nx\n'), { ...comma, enclose: '"' })).toEqual([[''], ['x']]);
  });
});
