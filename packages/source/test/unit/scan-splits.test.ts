import { describe, expect, it } from 'vitest';
import { scanSplits } from '../../src/scan-splits.js';

const plan = (entries: [number, string[]][]) => new Map(entries.map(([id, r]) => [BigInt(id), r]));

describe('scanSplits', () => {
  it('gives each tablet to the first replica BE not used yet, then to the least loaded one', () => {
    const splits = scanSplits(
      plan([
        [1, ['a', 'b']],
        [2, ['a', 'b']],
        [3, ['a', 'b']],
        [4, ['b', 'a']],
      ]),
      1,
    );
    // 1 → a (unused), 2 → b (unused), 3 → a (tie: first in routings), 4 → b (fewest)
    expect(splits).toEqual([
      { tabletIds: ['1', '3'], backends: ['a', 'b'] },
      { tabletIds: ['2', '4'], backends: ['b', 'a'] },
    ]);
  });

  it('cuts a BE group into ⌈tablets / parallelism⌉-sized splits', () => {
    const one = plan(Array.from({ length: 8 }, (_, i) => [i + 1, ['be:9060']] as [number, string[]]));
    expect(scanSplits(one, 4).map((s) => s.tabletIds)).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
      ['7', '8'],
    ]);
    expect(scanSplits(one, 3)).toHaveLength(3);
    expect(scanSplits(one, 100)).toHaveLength(8);
  });

  it('lists as fallbacks only the BEs that hold every tablet of the split', () => {
    const splits = scanSplits(
      plan([
        [1, ['a', 'b', 'c']],
        [2, ['a', 'c']],
      ]),
      1,
    );
    expect(splits).toEqual([
      { tabletIds: ['1'], backends: ['a', 'b', 'c'] },
      { tabletIds: ['2'], backends: ['c', 'a'] },
    ]);
  });

  it('an empty plan has no splits', () => {
    expect(scanSplits(new Map(), 4)).toEqual([]);
  });
});
