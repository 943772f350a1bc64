import { describe, expect, it } from 'vitest';
import { redactErrorLog } from '../../../src/internal/error-log.js';
import { FePool } from '../../../src/internal/fe-pool.js';

describe('FePool', () => {
  const a = new URL('http://a:8030');
  const b = new URL('http://b:8030');
  it('rotates and puts recently failed FEs last until they heal', () => {
    const p = new FePool([a, b], 1000);
    expect(p.candidates(0).map((u) => u.host)).toEqual(['a:8030', 'b:8030']);
    expect(p.candidates(0).map((u) => u.host)).toEqual(['b:8030', 'a:8030']);
    p.markFailed(b, 0);
    expect(p.candidates(10).map((u) => u.host)).toEqual(['a:8030', 'b:8030']);
    expect(p.candidates(10).map((u) => u.host)).toEqual(['a:8030', 'b:8030']);
    expect(p.candidates(2000).map((u) => u.host)).toEqual(['a:8030', 'b:8030']);
    p.markOk(b);
    expect(p.candidates(10).map((u) => u.host)).toEqual(['b:8030', 'a:8030']);
  });
});

describe('redactErrorLog', () => {
  it('removes row contents and quoted values', () => {
    const log =
      "Error: Value count does not match column count. Expect 2, but got 1. Row: secret-ssn\nError: Value 'x123' is invalid for column 'c'";
    const out = redactErrorLog(log);
    expect(out).not.toContain('secret-ssn');
    expect(out).not.toContain('x123');
    expect(out).toContain('Value count does not match');
  });
});
