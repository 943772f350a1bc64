import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  header,
  LABEL_RE,
  LoadRejectedError,
  parseColumnsHeader,
  parseLoadSpec,
  parseSeparator,
} from '../../../src/load/load-spec.js';

const spec = (headers: IncomingHttpHeaders) => parseLoadSpec(headers);

function rejects(headers: IncomingHttpHeaders, message: string | RegExp): void {
  expect(() => spec(headers)).toThrow(LoadRejectedError);
  expect(() => spec(headers)).toThrow(message);
}

function exactRejects(headers: IncomingHttpHeaders, message: string): void {
  let caught: unknown;
  try {
    spec(headers);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(LoadRejectedError);
  expect((caught as Error).message).toBe(message);
}

const bytes = (b: Buffer) => [...b];

describe('defaults', () => {
  it('an empty header set', () => {
    const s = spec({});
    expect(s).toMatchObject({
      format: 'csv',
      compression: null,
      enclose: null,
      escape: null,
      trimSpace: false,
      skipHeader: 0,
      columns: null,
      where: null,
      maxFilterRatio: 0,
      strictMode: false,
      timeoutSec: null,
      partialUpdate: false,
      mergeCondition: null,
      stripOuterArray: false,
      jsonPaths: null,
      jsonRoot: null,
      ignoreJsonSize: false,
      partitions: null,
      logRejectedRecordNum: 0,
    });
    expect(bytes(s.columnSeparator)).toEqual([0x09]);
    expect(bytes(s.rowDelimiter)).toEqual([0x0a]);
    expect(typeof s.signature).toBe('string');
  });
});

describe('column_separator / row_delimiter (spec §2.4): returned as bytes', () => {
  it.each([
    ['\\x01', [0x01]],
    ['\\X01', [0x01]],
    ['0x2C', [0x2c]],
    ['0x2c', [0x2c]],
    ['0X7c', [0x7c]],
    ['\\x0D0A', [0x0d, 0x0a]],
    ['\\x0d0a', [0x0d, 0x0a]],
    ['\\x09', [0x09]],
    [',', [0x2c]],
    ['|', [0x7c]],
    ['||', [0x7c, 0x7c]],
    ['\t', [0x09]],
    ['\\t', [0x5c, 0x74]],
    ['\\n', [0x5c, 0x6e]],
    ['中', [0xe4, 0xb8, 0xad]],
    ['a,b', [0x61, 0x2c, 0x62]],
    ['x'.repeat(50), Array(50).fill(0x78)],
  ])('%j', (value, expected) => {
    expect(bytes(spec({ column_separator: value }).columnSeparator)).toEqual(expected);
    expect(bytes(spec({ row_delimiter: value }).rowDelimiter)).toEqual(expected);
    expect(bytes(parseSeparator(value, 'column separator'))).toEqual(expected);
  });

  it('the literal two characters \\t are NOT a tab', () => {
    const s = spec({ column_separator: '\\t' });
    expect(s.columnSeparator.equals(Buffer.from('\t'))).toBe(false);
    expect(s.columnSeparator.toString('utf8')).toBe('\\t');
  });

  it('empty separators are refused', () => {
    exactRejects({ column_separator: '' }, 'Delimiter cannot be empty or null');
    exactRejects({ row_delimiter: '' }, 'Delimiter cannot be empty or null');
  });

  it.each(['\\x', '0x', '\\x1', '\\x123', '\\xZZ', '0x2G', '\\x 1'])('bad hex %j', (value) => {
    rejects({ column_separator: value }, /hex/);
    rejects({ row_delimiter: value }, /hex/);
  });

  it('more than 50 bytes is refused', () => {
    rejects({ column_separator: 'x'.repeat(51) }, /too long/);
    rejects({ column_separator: '中'.repeat(17) }, /too long/);
  });
});

describe('format and compression', () => {
  it.each([
    ['csv', 'csv', null],
    ['CSV', 'csv', null],
    ['json', 'json', null],
    ['JSON', 'json', null],
    ['Json', 'json', null],
    ['gzip', 'csv', 'gzip'],
    ['GZIP', 'csv', 'gzip'],
  ])('format=%s', (value, format, compression) => {
    expect(spec({ format: value })).toMatchObject({ format, compression });
  });

  it.each(['xml', 'parquet', 'avro'])('unknown format %s', (value) => {
    exactRejects({ format: value }, `unknown data format, format=${value}`);
  });

  it.each(['bzip2', 'lz4', 'deflate', 'zstd'])(
    '%s is a known format (never "unknown data format")',
    (value) => {
      let message = '';
      try {
        spec({ format: value });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).not.toMatch(/unknown data format/);
    },
  );

  it.each([
    [{ compression: 'gzip' }, 'gzip'],
    [{ compression: 'GZIP' }, 'gzip'],
    [{ 'content-encoding': 'gzip' }, 'gzip'],
    [{ 'content-encoding': 'deflate' }, 'deflate'],
    [{ 'content-encoding': 'identity' }, null],
  ] as [IncomingHttpHeaders, string | null][])('%o', (headers, compression) => {
    expect(spec(headers).compression).toBe(compression);
  });

  it('compression and content-encoding together conflict', () => {
    exactRejects(
      { compression: 'gzip', 'content-encoding': 'gzip' },
      'Only one of http header content-encoding and compression can be set',
    );
  });

  it('an unknown compression type', () => {
    exactRejects({ compression: 'snappy' }, 'Unsupported compression type: snappy');
    exactRejects({ 'content-encoding': 'br' }, 'Unsupported compression type: br');
  });
});

describe('numeric and boolean header checks (spec §2.4 texts)', () => {
  it.each([
    ['0', 0],
    ['600', 600],
    ['259200', 259200],
    ['4294967295', 4294967295],
  ])('timeout=%s', (value, expected) => {
    expect(spec({ timeout: value }).timeoutSec).toBe(expected);
  });

  it.each(['-1', 'abc', '1.5', '4294967296', '', '1e3'])('timeout=%j is invalid', (value) => {
    exactRejects({ timeout: value }, 'Invalid timeout format');
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['false', false],
    ['FALSE', false],
  ])('strict_mode / partial_update / trim_space = %s', (value, expected) => {
    expect(spec({ strict_mode: value }).strictMode).toBe(expected);
    expect(spec({ partial_update: value }).partialUpdate).toBe(expected);
    expect(spec({ trim_space: value }).trimSpace).toBe(expected);
  });

  it.each(['1', '0', 'yes', 'no', '', 'on'])('non-bool %j', (value) => {
    exactRejects({ strict_mode: value }, 'Invalid strict mode format. Must be bool type');
    exactRejects({ partial_update: value }, 'Invalid partial update flag format. Must be bool type');
    exactRejects({ trim_space: value }, 'Invalid trim space format. Must be bool type');
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['10', 10],
  ])('skip_header=%s', (value, expected) => {
    expect(spec({ skip_header: value }).skipHeader).toBe(expected);
  });

  it('skip_header errors', () => {
    exactRejects({ skip_header: '-1' }, 'skip_header must be equal or greater than 0');
    exactRejects({ skip_header: 'abc' }, 'Invalid csv load skip_header format');
    exactRejects({ skip_header: '1.5' }, 'Invalid csv load skip_header format');
  });

  it.each([
    ['-1', -1],
    ['0', 0],
    ['100', 100],
  ])('log_rejected_record_num=%s', (value, expected) => {
    expect(spec({ log_rejected_record_num: value }).logRejectedRecordNum).toBe(expected);
  });

  it.each(['-2', '-100'])('log_rejected_record_num=%s is refused', (value) => {
    exactRejects(
      { log_rejected_record_num: value },
      'log_rejected_record_num must be equal or greater than -1',
    );
  });

  it('load_mem_limit', () => {
    expect(() => spec({ load_mem_limit: '0' })).not.toThrow();
    expect(() => spec({ load_mem_limit: '2147483648' })).not.toThrow();
    exactRejects({ load_mem_limit: '-1' }, 'load_mem_limit must be equal or greater than 0');
    exactRejects({ load_mem_limit: 'lots' }, 'Invalid load mem limit format');
  });

  it('exec_mem_limit must be greater than 0', () => {
    expect(() => spec({ exec_mem_limit: '1073741824' })).not.toThrow();
    exactRejects({ exec_mem_limit: '0' }, 'exec_mem_limit must be greater than 0');
    exactRejects({ exec_mem_limit: '-5' }, 'exec_mem_limit must be greater than 0');
  });

  it.each([
    ['0.2', 0.2],
    ['1', 1],
    ['0', 0],
    ['garbage', 0],
    ['0.5abc', 0.5],
  ])('max_filter_ratio=%s (strtod)', (value, expected) => {
    expect(spec({ max_filter_ratio: value }).maxFilterRatio).toBe(expected);
  });

  it('enable_merge_commit must be a bool', () => {
    exactRejects(
      { enable_merge_commit: 'yes' },
      'Invalid parameter enable_merge_commit. The value must be bool type, but is yes',
    );
    exactRejects(
      { enable_merge_commit: '1' },
      'Invalid parameter enable_merge_commit. The value must be bool type, but is 1',
    );
    expect(() => spec({ enable_merge_commit: 'false' })).not.toThrow();
    expect(() => spec({ enable_merge_commit: 'FALSE' })).not.toThrow();
  });

  it('negative: only the exact string true enables it', () => {
    expect(() => spec({ negative: 'TRUE' })).not.toThrow();
    expect(() => spec({ negative: 'false' })).not.toThrow();
    expect(() => spec({ negative: '1' })).not.toThrow();
  });
});

describe('JSON options', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['false', false],
    ['1', false],
    ['yes', false],
    ['', false],
    ['true ', false],
  ])('strip_outer_array=%j -> %s', (value, expected) => {
    expect(spec({ strip_outer_array: value }).stripOuterArray).toBe(expected);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', false],
    ['no', false],
  ])('ignore_json_size=%j -> %s', (value, expected) => {
    expect(spec({ ignore_json_size: value }).ignoreJsonSize).toBe(expected);
  });

  it('jsonpaths as a JSON array of strings', () => {
    expect(spec({ jsonpaths: '["$.a", "$.b.c", "$"]' }).jsonPaths).toEqual(['$.a', '$.b.c', '$']);
    expect(spec({ jsonpaths: '[]' }).jsonPaths).toEqual([]);
  });

  it.each(['$.a', '["$.a", 1]', '{"a": "$.a"}', '"$.a"', '[null]', '["$.a"'])(
    'jsonpaths %s is invalid',
    (value) => {
      exactRejects({ jsonpaths: value }, `Invalid json path: ${value}`);
    },
  );

  it('json_root is trimmed and kept', () => {
    expect(spec({ json_root: ' $.data ' }).jsonRoot).toBe('$.data');
    expect(spec({ json_root: '' }).jsonRoot).toBeNull();
  });
});

describe('columns and where', () => {
  it('parses bare names and derived columns', () => {
    const s = spec({ columns: "a, `B`, tmp, c = tmp * 100, __op = 'delete'" });
    expect(s.columns).toEqual([
      { name: 'a' },
      { name: 'B' },
      { name: 'tmp' },
      {
        name: 'c',
        expr: { k: 'bin', op: '*', l: { k: 'col', name: 'tmp' }, r: { k: 'lit', v: 100, text: '100' } },
      },
      { name: '__op', expr: { k: 'lit', v: 'delete' } },
    ]);
  });

  it('function calls in derived columns', () => {
    expect(parseColumnsHeader('k1, dt, year = year(dt)')).toEqual([
      { name: 'k1' },
      { name: 'dt' },
      { name: 'year', expr: { k: 'call', name: 'year', args: [{ k: 'col', name: 'dt' }], distinct: false } },
    ]);
  });

  it('a blank columns header means positional', () => {
    expect(spec({ columns: '   ' }).columns).toBeNull();
  });

  it.each(['a,,b', 'a b', 'a = ', '= 1', 'a, b = (1'])('bad columns %j', (value) => {
    rejects({ columns: value }, /columns/);
  });

  it('where', () => {
    expect(spec({ where: 'k > 1 AND v = "x"' }).where).toMatchObject({ k: 'bin', op: 'AND' });
    expect(spec({ where: '' }).where).toBeNull();
    rejects({ where: 'k >' }, /where/);
    rejects({ where: 'k > 1 extra' }, /where/);
  });

  it('merge_condition', () => {
    expect(spec({ merge_condition: ' ver ' }).mergeCondition).toBe('ver');
    expect(spec({ merge_condition: '' }).mergeCondition).toBeNull();
  });
});

describe('partitions', () => {
  it('a comma list', () => {
    expect(spec({ partitions: 'p1, p2,,p3 ' }).partitions).toEqual(['p1', 'p2', 'p3']);
  });

  it('partitions and temporary_partitions conflict', () => {
    exactRejects(
      { partitions: 'p1', temporary_partitions: 'tp1' },
      'Can not specify both partitions and temporary partitions',
    );
  });
});

describe('enclose / escape use the first byte', () => {
  it.each([
    ['"', 0x22],
    ["'", 0x27],
    ['ab', 0x61],
    ['中', 0xe4],
  ])('%j', (value, byte) => {
    expect(spec({ enclose: value }).enclose).toBe(byte);
    expect(spec({ escape: value }).escape).toBe(byte);
  });

  it('empty means none', () => {
    expect(spec({ enclose: '', escape: '' })).toMatchObject({ enclose: null, escape: null });
  });
});

describe('signature', () => {
  it('is stable for equal parameters and changes with them', () => {
    const a = spec({ columns: 'a, b', column_separator: ',' }).signature;
    expect(spec({ columns: 'a, b', column_separator: ',' }).signature).toBe(a);
    expect(spec({ columns: 'a, b', column_separator: '0x2C' }).signature).toBe(a);
    expect(spec({ columns: 'b, a', column_separator: ',' }).signature).not.toBe(a);
    expect(spec({ columns: 'a, b', column_separator: '|' }).signature).not.toBe(a);
  });
});

describe('header arrays use the first value', () => {
  it('format', () => {
    expect(spec({ format: ['json', 'csv'] as unknown as string }).format).toBe('json');
  });
});

describe('LABEL_RE (spec §2.4)', () => {
  it.each([
    ['abc', true],
    ['a-b_c-1', true],
    ['0', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['a b', false],
    ['a.b', false],
    ['a/b', false],
  ])('%j -> %s', (label, ok) => {
    expect(LABEL_RE.test(label)).toBe(ok);
  });
});

describe('header values from the wire', () => {
  it('reads the UTF-8 bytes node:http hands over as latin1 text', () => {
    const wire = Buffer.from('id,名称', 'utf8').toString('latin1');
    expect(header({ columns: wire }, 'columns')).toBe('id,名称');
  });

  it('keeps ASCII, text that is already decoded, and bytes that are not UTF-8', () => {
    expect(header({ columns: 'id,v' }, 'columns')).toBe('id,v');
    expect(header({ columns: '中' }, 'columns')).toBe('中');
    expect(header({ column_separator: '\xa6' }, 'column_separator')).toBe('\xa6');
  });
});
