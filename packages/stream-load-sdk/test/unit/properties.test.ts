import { describe, expect, it } from 'vitest';
import { resolveProperties } from '../../src/options.js';

describe('resolveProperties', () => {
  it('refuses merge commit, naming the property (labels do not protect its retries)', () => {
    expect(() => resolveProperties({ enable_merge_commit: 'true' }, 'properties')).toThrow(
      /`properties.enable_merge_commit`: merge commit is not supported/,
    );
    expect(resolveProperties({ enable_merge_commit: 'false' }, 'properties')).toEqual({
      enable_merge_commit: 'false',
    });
  });

  it('lower-cases names, drops undefined values, refuses headers the client sets', () => {
    expect(resolveProperties({ Format: 'json', columns: undefined }, 'properties')).toEqual({
      format: 'json',
    });
    expect(() => resolveProperties({ Authorization: 'x' }, 'properties')).toThrow(/set by the client/);
  });
});
