import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logTail } from '../../src/log-tail.js';
import { ServiceStartError } from '../../src/service-start-error.js';

describe('ServiceStartError', () => {
  it('carries a stable code and puts the log tail and the fix in the message', () => {
    const error = new ServiceStartError('mariadb', 'MARIADB_NOT_INSTALLED', 'mariadbd not found', {
      fix: 'apt-get install -y mariadb-server-core',
      logFile: '/x/mariadb.log',
      logTail: 'line 1\nline 2\n',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ServiceStartError');
    expect(error.code).toBe('MARIADB_NOT_INSTALLED');
    expect(error.service).toBe('mariadb');
    expect(error.message).toBe(
      'mariadb: mariadbd not found\n--- last lines of /x/mariadb.log ---\nline 1\nline 2\n---\n' +
        'To fix: apt-get install -y mariadb-server-core',
    );
  });
});

describe('logTail', () => {
  it('returns the last lines of a file, or an empty string when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'srconnect-tail-'));
    const file = join(dir, 'x.log');
    writeFileSync(file, `${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n`);
    expect(logTail(file, 3)).toBe('line 97\nline 98\nline 99');
    expect(logTail(join(dir, 'missing.log'))).toBe('');
    rmSync(dir, { recursive: true, force: true });
  });
});
