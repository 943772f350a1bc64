import { describe, expect, it } from 'vitest';
import {
  evalJsonPath,
  JsonBodyError,
  type JsonFormat,
  parseJsonPath,
  readJsonRows,
} from '../../../src/load/json-reader.js';
import { JsonNumber } from '../../../src/load/value-converter.js';

const fmt = (over: Partial<JsonFormat> = {}): JsonFormat => ({
  stripOuterArray: false,
  jsonRoot: null,
  jsonPaths: null,
  ...over,
});

function bodyError(text: string, format: JsonFormat): JsonBodyError {
  try {
    readJsonRows(text, format);
  } catch (err) {
    expect(err).toBeInstanceOf(JsonBodyError);
    return err as JsonBodyError;
  }
  throw new Error('expected a JsonBodyError');
}

const ARRAY_IN_STREAM =
  'The value is array type in json document stream, you can set strip_outer_array=true to parse each element of the array as individual rows';

describe('mode 1: strip_outer_array=false, no json_root (stream of objects)', () => {
  it.each([
    ['{"a":1}', [{ a: 1 }]],
    ['{"a":1}\n{"a":2}\n', [{ a: 1 }, { a: 2 }]],
    ['{"a":1}{"a":2}', [{ a: 1 }, { a: 2 }]],
    ['  \n {"a":1}  {"b":"}{"}\r\n', [{ a: 1 }, { b: '}{' }]],
    ['{"s":"with \\"quotes\\" and [brackets]"}', [{ s: 'with "quotes" and [brackets]' }]],
    ['{"n":{"deep":[1,{"x":2}]}}', [{ n: { deep: [1, { x: 2 }] } }]],
  ])('%j', (text, rows) => {
    expect(readJsonRows(text, fmt())).toEqual(rows);
  });

  it('empty or whitespace-only bodies give no rows', () => {
    expect(readJsonRows('', fmt())).toEqual([]);
    expect(readJsonRows(' \n\t', fmt())).toEqual([]);
  });

  it('a top-level array is an error', () => {
    expect(bodyError('[{"a":1},{"a":2}]', fmt()).message).toBe(ARRAY_IN_STREAM);
  });

  it('an array after an object in the stream is an error too', () => {
    expect(bodyError('{"a":1}\n[{"a":2}]', fmt()).message).toBe(ARRAY_IN_STREAM);
  });

  it('keeps big numbers exact', () => {
    const rows = readJsonRows('{"a":12345678901234567890,"b":0.12345678901234567890123}', fmt()) as Record<
      string,
      unknown
    >[];
    expect(rows[0]!.a).toBeInstanceOf(JsonNumber);
    expect((rows[0]!.a as JsonNumber).text).toBe('12345678901234567890');
    expect((rows[0]!.b as JsonNumber).text).toBe('0.12345678901234567890123');
  });
});

describe('mode 2: strip_outer_array=true, no json_root', () => {
  const f = fmt({ stripOuterArray: true });

  it('one row per element', () => {
    expect(readJsonRows('[{"a":1},{"a":2}]', f)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(readJsonRows(' \n[ ]\n', f)).toEqual([]);
  });

  it('elements are returned as they are (the planner filters non-objects)', () => {
    expect(readJsonRows('[{"a":1},2,null]', f)).toEqual([{ a: 1 }, 2, null]);
  });

  it('a non-array is an error', () => {
    const err = bodyError('{"a":1}', f);
    expect(err.message).toBe('the value should be array type with strip_outer_array=true, value: {"a":1}');
  });

  it('more than one top-level value is an error', () => {
    expect(bodyError('[{"a":1}][{"a":2}]', f).message).toMatch(
      /^the value should be array type with strip_outer_array=true, value: /,
    );
  });
});

describe('mode 3: strip_outer_array=false with json_root', () => {
  const f = fmt({ jsonRoot: '$.data' });

  it('the value at the root becomes one row', () => {
    expect(readJsonRows('{"data":{"a":1},"other":2}', f)).toEqual([{ a: 1 }]);
  });

  it('objects in a stream, or an array of objects', () => {
    expect(readJsonRows('{"data":{"a":1}}\n{"data":{"a":2}}', f)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(readJsonRows('[{"data":{"a":1}},{"data":{"a":2}}]', f)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('a deeper root path', () => {
    expect(readJsonRows('{"x":{"y":[{"a":0},{"a":9}]}}', fmt({ jsonRoot: '$.x.y[1]' }))).toEqual([{ a: 9 }]);
  });
});

describe('mode 4: strip_outer_array=true with json_root', () => {
  const f = fmt({ jsonRoot: '$.data', stripOuterArray: true });

  it('the array at the root gives one row per element', () => {
    expect(readJsonRows('{"data":[{"a":1},{"a":2}]}', f)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('several documents and an outer array of documents', () => {
    expect(readJsonRows('{"data":[{"a":1}]}\n{"data":[{"a":2}]}', f)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(readJsonRows('[{"data":[{"a":1}]},{"data":[{"a":2},{"a":3}]}]', f)).toEqual([
      { a: 1 },
      { a: 2 },
      { a: 3 },
    ]);
  });

  it('a root that is not an array is an error', () => {
    expect(bodyError('{"data":{"a":1}}', f).message).toBe(
      'the value should be array type with strip_outer_array=true, value: {"a":1}',
    );
    expect(bodyError('{"nodata":1}', f).message).toBe(
      'the value should be array type with strip_outer_array=true, value: null',
    );
  });
});

describe('structural errors', () => {
  it.each([
    ['abc', 'illegal json started with a'],
    ['  5', 'illegal json started with 5'],
    ['"str"', 'illegal json started with "'],
    ['\n\ttrue', 'illegal json started with t'],
    ['<xml/>', 'illegal json started with <'],
  ])('%j', (text, message) => {
    expect(bodyError(text, fmt()).message).toBe(message);
    expect(bodyError(text, fmt({ stripOuterArray: true })).message).toBe(message);
  });

  it.each([
    '{"a":1',
    '{"a":}',
    '{"a":1}}',
    '{"a":1} x',
    '{"a":"unterminated}',
    '{a:1}',
    "{'a':1}",
    '{"a":1,}',
  ])('parse error %j', (text) => {
    expect(bodyError(text, fmt()).message).toMatch(/^Failed to parse json as document stream\. error: /);
  });

  it('the error keeps a snippet of the bad document', () => {
    const err = bodyError('{"ok":1}\n{"bad":}', fmt());
    expect(err.snippet).toContain('"bad"');
  });

  it('an invalid json_root path is a body error', () => {
    expect(bodyError('{"a":1}', fmt({ jsonRoot: 'data' })).message).toMatch(/^Invalid json path: data/);
  });
});

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    [' $ ', []],
    ['$.a', ['a']],
    ['$.a.b', ['a', 'b']],
    ['$.a[0]', ['a', 0]],
    ['$[2].x', [2, 'x']],
    ['$.a[0][1]', ['a', 0, 1]],
    ['$["a b"]', ['a b']],
    ["$['x.y']", ['x.y']],
    ['$.中文', ['中文']],
  ] as [string, (string | number)[]][])('%s', (path, steps) => {
    expect(parseJsonPath(path)).toEqual(steps);
  });

  it.each(['a.b', '', '$.', '$..a', '$[', '$[x]', '$a', '$.a[*]'])('%j is invalid', (path) => {
    expect(() => parseJsonPath(path)).toThrow(`Invalid json path: ${path}`);
  });
});

describe('evalJsonPath', () => {
  const doc = { a: { b: [10, { c: 'x' }], n: null }, arr: [1, 2], 'k y': true };

  it.each([
    ['$', doc],
    ['$.a.b[0]', 10],
    ['$.a.b[1].c', 'x'],
    ['$.a.n', null],
    ['$.arr[1]', 2],
    ['$["k y"]', true],
    ['$.missing', undefined],
    ['$.a.b[5]', undefined],
    ['$.a.b.c', undefined],
    ['$.arr.x', undefined],
    ['$.a[0]', undefined],
    ['$.a.n.deeper', undefined],
  ])('%s', (path, value) => {
    expect(evalJsonPath(doc, parseJsonPath(path))).toEqual(value);
  });
});
