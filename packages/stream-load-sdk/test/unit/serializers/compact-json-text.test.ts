import { describe, expect, it } from 'vitest';
import { compactJsonText } from '../../../src/serializers/compact-json-text.js';

describe('compactJsonText', () => {
  const valid: [string, string][] = [
    ['{}', '{}'],
    ['[]', '[]'],
    [' { } ', '{}'],
    ['{"a":1}', '{"a":1}'],
    ['{ "a" : [ 1 , 2 ] , "b" : { } }', '{"a":[1,2],"b":{}}'],
    ['{\n\t"s": "keep  inner\\nspaces",\r\n "t": true}', '{"s":"keep  inner\\nspaces","t":true}'],
    ['"text"', '"text"'],
    ['"\\u00e9\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\u00e9\\"\\\\\\/\\b\\f\\n\\r\\t"'],
    ['0', '0'],
    ['-0.5e+10', '-0.5e+10'],
    ['12345678901234567890123456789', '12345678901234567890123456789'],
    ['1E3', '1E3'],
    ['null', 'null'],
    ['[true,false,null]', '[true,false,null]'],
    ['[[[[]]]]', '[[[[]]]]'],
    ['{"a b":"c d"}', '{"a b":"c d"}'],
    ['"😀"', '"😀"'],
  ];
  for (const [text, compact] of valid) {
    it(`accepts ${JSON.stringify(text)}`, () => {
      expect(compactJsonText(text)).toBe(compact);
      expect(JSON.parse(compact)).toEqual(JSON.parse(text));
    });
  }
  it('returns the same string when there is nothing to strip', () => {
    const text = '{"a":[1,2]}';
    expect(compactJsonText(text)).toBe(text);
  });

  const invalid = [
    '',
    ' ',
    '{',
    '}',
    '{"a"}',
    '{"a":}',
    '{"a":1,}',
    '[1,]',
    '[1 2]',
    '{a:1}',
    "{'a':1}",
    '"unterminated',
    '"bad \\x escape"',
    '"bad \\u12 escape"',
    '"raw\ncontrol"',
    '01',
    '1.',
    '.5',
    '-',
    '1e',
    '+1',
    'NaN',
    'Infinity',
    'tru',
    'nul',
    '1 2',
    '{"a":1} x',
    '['.repeat(2000) + ']'.repeat(2000),
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text.slice(0, 30))}`, () => {
      expect(compactJsonText(text)).toBeUndefined();
    });
  }
});
