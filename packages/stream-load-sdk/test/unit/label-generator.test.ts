import { describe, expect, it } from 'vitest';
import { randomLabelGenerator } from '../../src/label-generator.js';

describe('randomLabelGenerator', () => {
  it('makes labels of the prefix and a UUID within 128 characters', () => {
    const label = randomLabelGenerator('p'.repeat(91)).next('db', 't');
    expect(label).toMatch(/^p{91}-[0-9a-f-]{36}$/);
    expect(label.length).toBe(128);
  });

  it('refuses a prefix that would make labels longer than 128 characters, naming labelPrefix', () => {
    expect(() => randomLabelGenerator('p'.repeat(92))).toThrow(/labelPrefix/);
  });
});
