import { describe, expect, it } from 'vitest';
import { f, filterColumns, quoteIdentifier, renderFilter, sqlLiteral } from '../../src/index.js';

describe('renderFilter', () => {
  it.each([
    [f.eq('a', 1), '`a` = 1'],
    [f.ne('a', 'x'), "`a` != 'x'"],
    [f.lt('a', 1.5), '`a` < 1.5'],
    [f.le('a', 2n ** 100n), '`a` <= 1267650600228229401496703205376'],
    [f.gt('a', true), '`a` > TRUE'],
    [f.ge('ts', new Date(Date.UTC(2026, 10, 24, 1, 2, 3, 4))), "`ts` >= '2026-11-24 01:02:03.004000'"],
    [f.in('a', [1, 2]), '`a` IN (1, 2)'],
    [f.in('a', []), 'FALSE'],
    [f.isNull('a'), '`a` IS NULL'],
    [f.not(f.isNull('a')), '(NOT `a` IS NULL)'],
    [f.and(f.eq('a', 1), f.or(f.eq('b', 2), f.eq('c', 3))), '(`a` = 1 AND (`b` = 2 OR `c` = 3))'],
    [f.and(), 'TRUE'],
    [f.or(), 'FALSE'],
  ])('renders case %# as %s', (filter, sql) => {
    expect(renderFilter(filter)).toBe(sql);
  });

  it('quotes identifiers and escapes literals so nothing can be injected', () => {
    expect(quoteIdentifier('we`ird')).toBe('`we``ird`');
    expect(quoteIdentifier('ünïcødé')).toBe('`ünïcødé`');
    expect(sqlLiteral("x' OR '1'='1", 'c')).toBe("'x\\' OR \\'1\\'=\\'1'");
    expect(sqlLiteral('a\\', 'c')).toBe("'a\\\\'");
    expect(sqlLiteral('line\nbreak\0', 'c')).toBe("'line\\nbreak\\0'");
    expect(() => quoteIdentifier('a=b')).toThrow('invalid column name');
    expect(() => quoteIdentifier('')).toThrow();
    expect(() => sqlLiteral(Number.NaN, 'c')).toThrow('not a finite number');
    expect(() => sqlLiteral(new Date(Number.NaN), 'c')).toThrow('invalid Date');
  });

  it('lists the columns a filter reads', () => {
    expect([...filterColumns(f.and(f.eq('a', 1), f.not(f.in('b', [1]))))]).toEqual(['a', 'b']);
  });
});
