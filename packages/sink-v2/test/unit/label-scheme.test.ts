import { LABEL_PATTERN } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import { tableTag, transactionLabel } from '../../src/index.js';

describe('transaction labels', () => {
  it('are {prefix}-{db__table}-{subtask}-{seq} for plain names', () => {
    expect(transactionLabel('job1', 'shop', 'orders', 2, 17)).toBe('job1-shop__orders-2-17');
  });

  it('keep the label rule for any table name, and different names never share a tag', () => {
    const names = ['o-rders', 'o rders', 'ünïcode', 'x'.repeat(300), 'a.b', 'a__b'];
    const tags = names.map((n) => tableTag('shop', n));
    expect(new Set(tags).size).toBe(names.length);
    for (const n of names) expect(transactionLabel('p', 'shop', n, 0, 1)).toMatch(LABEL_PATTERN);
    expect(tableTag('a', 'b__c')).not.toBe(tableTag('a__b', 'c'));
  });

  it('refuse a prefix that makes labels too long', () => {
    expect(() => transactionLabel('p'.repeat(120), 'shop', 'orders', 0, 1)).toThrow(/label rule/);
  });
});
