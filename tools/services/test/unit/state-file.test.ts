import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPaths } from '../../src/run-paths.js';
import {
  listInstances,
  type MariaDbRecord,
  readState,
  registerInstance,
  unregisterInstance,
  writeState,
} from '../../src/state-file.js';
import { isServiceRunning } from '../../src/stop-service.js';

const record = (pid: number): MariaDbRecord => ({
  service: 'mariadb',
  pid,
  dataDir: '/nowhere',
  logFile: '/nowhere.log',
  startedAt: new Date(0).toISOString(),
  startMs: 1,
  settings: { host: '127.0.0.1', port: 1, user: 'root', password: '', url: 'mysql://root@127.0.0.1:1' },
});

describe('state file', () => {
  const paths = runPaths({ SRCONNECT_SERVICES_RUN_DIR: mkdtempSync(join(tmpdir(), 'srconnect-state-')) });
  afterAll(() => rmSync(paths.runDir, { recursive: true, force: true }));

  it('reads a missing state file as no services and removes it when empty', () => {
    expect(readState(paths)).toEqual({});
    writeState(paths, { mariadb: record(123) });
    expect(readState(paths)).toEqual({ mariadb: record(123) });
    writeState(paths, {});
    expect(existsSync(paths.stateFile)).toBe(false);
  });

  it('registers and forgets instances', () => {
    registerInstance(paths, record(5));
    registerInstance(paths, record(6));
    expect(listInstances(paths).map((r) => r.pid)).toEqual([5, 6]);
    unregisterInstance(paths, 'mariadb', 5);
    expect(listInstances(paths).map((r) => r.pid)).toEqual([6]);
  });

  it('does not take a live process with another command line for the service', () => {
    expect(isServiceRunning(record(process.pid))).toBe(false);
    expect(isServiceRunning(record(2 ** 22 + 7))).toBe(false);
  });
});
