import { describe, expect, it } from 'vitest';
import { opForRowKind } from '../../../src/index.js';

const pk = { database: 'd', table: 't', primaryKey: true };
const dup = { database: 'd', table: 'e', primaryKey: false };

describe('opForRowKind', () => {
  it('maps CDC kinds to __op, dropping update-before rows unless asked', () => {
    expect(['insert', 'upsert', 'update_after'].map((k) => opForRowKind(k as 'insert', pk, true))).toEqual([
      0, 0, 0,
    ]);
    expect(opForRowKind('delete', pk, true)).toBe(1);
    expect(opForRowKind('update_before', pk, true)).toBeNull();
    expect(opForRowKind('update_before', pk, false)).toBe(1);
    expect(opForRowKind('update_before', dup, false)).toBeNull();
  });

  it('refuses a delete on a table that is not a PRIMARY KEY table, naming the option', () => {
    expect(() => opForRowKind('delete', dup, true)).toThrow('set `tables.d.e.primaryKey`');
  });
});
