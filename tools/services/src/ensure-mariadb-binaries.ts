import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './find-executable.js';
import { logTail } from './log-tail.js';
import type { RunPaths } from './run-paths.js';
import { ServiceStartError } from './service-start-error.js';

/** The Debian packages that provide `mariadbd` and `mariadb-install-db` without starting a system service. */
export const MARIADB_PACKAGES = ['mariadb-server-core', 'mariadb-client-core'] as const;
/** The command that installs them. */
export const MARIADB_INSTALL_COMMAND = `apt-get install -y ${MARIADB_PACKAGES.join(' ')}`;

const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin', '/usr/local/bin'];

/** Paths of the MariaDB server binaries. */
export interface MariaDbBinaries {
  mariadbd: string;
  installDb: string;
}

/**
 * Finds `mariadbd` and `mariadb-install-db` (in `$PATH` and the usual sbin folders). When they are missing
 * and `install` is set and this process runs as root, installs them with apt-get first (their output goes to
 * `.run/logs/mariadb-install.log`).
 *
 * @throws {ServiceStartError} `MARIADB_NOT_INSTALLED` naming the install command.
 */
export function ensureMariaDbBinaries(paths: RunPaths, install: boolean): MariaDbBinaries {
  const find = (): MariaDbBinaries | undefined => {
    const mariadbd = findExecutable(['mariadbd', 'mysqld'], SBIN_DIRS);
    const installDb = findExecutable(['mariadb-install-db', 'mysql_install_db'], SBIN_DIRS);
    return mariadbd && installDb ? { mariadbd, installDb } : undefined;
  };
  const found = find();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (!install || !isRoot || !findExecutable(['apt-get'])) {
    throw new ServiceStartError(
      'mariadb',
      'MARIADB_NOT_INSTALLED',
      'mariadbd / mariadb-install-db not found',
      {
        fix: isRoot ? MARIADB_INSTALL_COMMAND : `sudo ${MARIADB_INSTALL_COMMAND}`,
      },
    );
  }
  mkdirSync(paths.logsDir, { recursive: true });
  const logFile = join(paths.logsDir, 'mariadb-install.log');
  const fd = openSync(logFile, 'w');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args: string[]) =>
      spawnSync('apt-get', args, { env, stdio: ['ignore', fd, fd] }).status === 0;
    const args = ['install', '-y', '--no-install-recommends', ...MARIADB_PACKAGES];
    if (!apt(args)) {
      apt(['update']);
      apt(args);
    }
  } finally {
    closeSync(fd);
  }
  const installed = find();
  if (installed) return installed;
  throw new ServiceStartError(
    'mariadb',
    'MARIADB_NOT_INSTALLED',
    `${MARIADB_INSTALL_COMMAND} did not install mariadbd`,
    {
      fix: `apt-get update && ${MARIADB_INSTALL_COMMAND}`,
      logFile,
      logTail: logTail(logFile),
    },
  );
}
