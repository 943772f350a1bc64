import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import {
  checkSeparatorPair,
  endCollides,
  parseSeparator,
  toHexNotation,
} from '../../../src/serializers/separator.js';

describe('parseSeparator', () => {
  const cases: [string, string][] = [
    ['\t', '\t'],
    [',', ','],
    ['||', '||'],
    ['\\x01', '\u0001'],
    ['\\X01', '\u0001'],
    ['0x01', '\u0001'],
    ['0X7c7C', '||'],
    ['\\x0D0A', '\r\n'],
    ['\\xC2A7', '§'],
    ['\\t', '\\t'], // two characters, as current StarRocks reads them
    ['\u0001', '\u0001'],
    ['😀', '😀'],
  ];
  for (const [input, text] of cases) {
    it(`reads ${JSON.stringify(input)}`, () => {
      expect(parseSeparator(input, 'columnSeparator')).toBe(text);
    });
  }
  it('rejects bad values with an InvalidOptionError naming the option', () => {
    expect(() => parseSeparator('', 'rowDelimiter')).toThrow(InvalidOptionError);
    expect(() => parseSeparator('', 'rowDelimiter')).toThrow('`rowDelimiter` must not be empty');
    expect(() => parseSeparator('\\x0', 'x')).toThrow(/not valid hex notation/);
    expect(() => parseSeparator('\\xC2', 'x')).toThrow(/must decode to UTF-8 text/);
    expect(() => parseSeparator(`\\x${'01'.repeat(51)}`, 'x')).toThrow(/at most 50 bytes/);
    expect(parseSeparator(`\\x${'01'.repeat(50)}`, 'x')).toHaveLength(50);
  });
});

describe('toHexNotation', () => {
  it('spells the UTF-8 bytes as \\x plus uppercase hex', () => {
    expect(toHexNotation('\t')).toBe('\\x09');
    expect(toHexNotation('\n')).toBe('\\x0A');
    expect(toHexNotation('\r\n')).toBe('\\x0D0A');
    expect(toHexNotation('||')).toBe('\\x7C7C');
    expect(toHexNotation('\u0001')).toBe('\\x01');
    expect(toHexNotation('§')).toBe('\\xC2A7');
  });
  it('round-trips through parseSeparator', () => {
    for (const text of ['\t', '\r\n', '||', '§', '😀', '\u0001\u0002']) {
      expect(parseSeparator(toHexNotation(text), 'x')).toBe(text);
    }
  });
});

describe('checkSeparatorPair', () => {
  it('accepts separators that can always be told apart', () => {
    for (const [a, b] of [
      ['\t', '\n'],
      [',', '\r\n'],
      ['||', '\n'],
      ['\u0001', '\u0002'],
      ['ab', 'ax'],
    ]) {
      expect(() => checkSeparatorPair(a!, b!)).not.toThrow();
    }
  });
  it('rejects equal, nested and overlapping separators', () => {
    expect(() => checkSeparatorPair('\n', '\n')).toThrow(/must differ/);
    expect(() => checkSeparatorPair('\r\n', '\n')).toThrow(/must not contain one another/);
    expect(() => checkSeparatorPair('|', '|\n')).toThrow(/must not contain one another/);
    expect(() => checkSeparatorPair('ab', 'bc')).toThrow(/must not overlap/);
    expect(() => checkSeparatorPair('bc', 'ab')).toThrow(/must not overlap/);
  });
});

describe('endCollides', () => {
  it('finds a separator that starts inside the end of a value', () => {
    expect(endCollides('a|', '||')).toBe(true);
    expect(endCollides('a', '||')).toBe(false);
    expect(endCollides('x\r', '\r\n')).toBe(false);
    expect(endCollides('xaa', 'aab')).toBe(false); // 'aab' has no border, so it never starts early
    expect(endCollides('xab', 'aba')).toBe(true); // xab|aba reads as x + aba + ba
    expect(endCollides('', '||')).toBe(false);
    expect(endCollides('abc', ',')).toBe(false);
  });
});
