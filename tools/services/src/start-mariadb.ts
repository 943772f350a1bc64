import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import {
  ensureMariaDbBinaries,
  MARIADB_INSTALL_COMMAND,
  type MariaDbBinaries,
} from './ensure-mariadb-binaries.js';
import { freePort } from './free-port.js';
import { logTail } from './log-tail.js';
import { freshServiceDir, type RunPaths, runPaths } from './run-paths.js';
import { ServiceStartError } from './service-start-error.js';
import { runLogged, spawnService } from './spawn-service.js';
import { type MariaDbRecord, type MariaDbSettings, registerInstance } from './state-file.js';
import { killServiceSync, stopService } from './stop-service.js';
import { waitUntilReady } from './wait-until-ready.js';

/** Options for {@link startMariaDb}. */
export interface StartMariaDbOptions {
  /** TCP port on 127.0.0.1. Default: a free port (retried if taken meanwhile). */
  port?: number;
  /** `server_id`. Default 1. */
  serverId?: number;
  /** Run in its own session so it outlives this process (what `srconnect-services up` does). Default false. */
  detached?: boolean;
  /** Name of the log file and data folder. Default `mariadb-<port>`. */
  name?: string;
  /** Run folder for logs, data and records. Default {@link runPaths}(). */
  paths?: RunPaths;
  /** How long to wait until a client can connect. Default 30 s. */
  timeoutMs?: number;
  /** Install the server binaries with apt-get when missing (only possible as root). Default true. */
  install?: boolean;
  /** More `mariadbd` options, appended after the defaults. */
  extraArgs?: readonly string[];
}

/** A running private MariaDB. */
export interface MariaDbServer extends MariaDbSettings {
  pid: number;
  /** The server's own folder (data, socket, pid file); removed by {@link MariaDbServer.stop}. */
  dataDir: string;
  socket: string;
  logFile: string;
  /** Milliseconds from the call until a client connected. */
  startMs: number;
  /** What is written to the run folder about this server. */
  record: MariaDbRecord;
  /**
   * Stops the server and removes its data (and, unless it was started detached, its log). Safe to call twice.
   */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway MariaDB from the Debian binaries on 127.0.0.1: its own data folder under
 * `tools/services/.run/data`, binary log in ROW format with FULL row images, `server_id`, GTIDs with
 * `gtid_strict_mode`, `root` without a password. Resolves once a mysql2 client has connected.
 *
 * @throws {ServiceStartError} with the tail of the server's log and the command that fixes the problem.
 */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDbServer> {
  const paths = options.paths ?? runPaths();
  const started = Date.now();
  const binaries = ensureMariaDbBinaries(paths, options.install ?? true);
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(paths, binaries, port, options, started);
    } catch (error) {
      const clash =
        error instanceof ServiceStartError &&
        /address already in use|bind on tcp\/ip port/i.test(error.logTail ?? '');
      if (!clash || options.port !== undefined || attempt >= 3) throw error;
    }
  }
}

async function startOnce(
  paths: RunPaths,
  binaries: MariaDbBinaries,
  port: number,
  options: StartMariaDbOptions,
  started: number,
): Promise<MariaDbServer> {
  const { dir, logFile } = freshServiceDir(paths, options.name ?? `mariadb-${port}`);
  const datadir = join(dir, 'data');
  // Unix socket paths are limited to ~107 bytes; fall back to the temp folder for deep checkouts.
  const socketInDir = join(dir, 'mysqld.sock');
  const socket = socketInDir.length <= 100 ? socketInDir : join(tmpdir(), `srconnect-mariadb-${port}.sock`);
  const extraPaths = socket === socketInDir ? [] : [socket];
  const userArgs = process.getuid?.() === 0 ? ['--user=root'] : [];
  const fail = (
    code: 'MARIADB_INIT_FAILED' | 'MARIADB_START_FAILED' | 'MARIADB_START_TIMEOUT',
    summary: string,
  ) => {
    rmSync(dir, { recursive: true, force: true });
    for (const path of extraPaths) rmSync(path, { force: true });
    return new ServiceStartError('mariadb', code, summary, {
      logFile,
      logTail: logTail(logFile),
      fix: `look at the log above; the binaries come from: ${MARIADB_INSTALL_COMMAND}`,
    });
  };

  const installArgs = [
    '--no-defaults',
    ...userArgs,
    `--datadir=${datadir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ];
  const init = runLogged(binaries.installDb, installArgs, logFile);
  if (init.status !== 0) throw fail('MARIADB_INIT_FAILED', `mariadb-install-db failed (exit ${init.status})`);

  const args = [
    '--no-defaults',
    ...userArgs,
    `--datadir=${datadir}`,
    `--socket=${socket}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    '--log-bin=mariadb-bin',
    '--binlog-format=ROW',
    '--binlog-row-image=FULL',
    `--server-id=${options.serverId ?? 1}`,
    '--gtid-strict-mode=ON',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    '--innodb-buffer-pool-size=64M',
    '--innodb-flush-log-at-trx-commit=2',
    '--max-connections=200',
    ...(options.extraArgs ?? []),
  ];
  const server = await spawnService({
    command: binaries.mariadbd,
    args,
    logFile,
    detached: options.detached ?? false,
  });

  const timeoutMs = options.timeoutMs ?? 30_000;
  await waitUntilReady(server, {
    ready: () => canConnect(port),
    timeoutMs,
    pollMs: 100,
    exitedError: (exit) =>
      fail('MARIADB_START_FAILED', `mariadbd exited (code ${exit.code}, signal ${exit.signal})`),
    timeoutError: () =>
      fail('MARIADB_START_TIMEOUT', `no connection to 127.0.0.1:${port} within ${timeoutMs} ms`),
  });

  const settings: MariaDbSettings = {
    host: '127.0.0.1',
    port,
    user: 'root',
    password: '',
    url: `mysql://root@127.0.0.1:${port}`,
  };
  const startMs = Date.now() - started;
  const record: MariaDbRecord = {
    service: 'mariadb',
    pid: server.pid,
    ...(options.detached ? {} : { ownerPid: process.pid }),
    dataDir: dir,
    ...(extraPaths.length > 0 ? { extraPaths } : {}),
    logFile,
    startedAt: new Date().toISOString(),
    startMs,
    settings,
  };
  registerInstance(paths, record);
  const onExit = () => killServiceSync(paths, record);
  if (!options.detached) process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    ...settings,
    pid: server.pid,
    dataDir: dir,
    socket,
    logFile,
    startMs,
    record,
    stop() {
      process.removeListener('exit', onExit);
      stopping ??= stopService(paths, record, { removeLog: !options.detached });
      return stopping;
    },
  };
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const connection = await createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      password: '',
      connectTimeout: 2_000,
    });
    try {
      await connection.query('SELECT 1');
      return true;
    } finally {
      await connection.end().catch(() => undefined);
    }
  } catch {
    return false;
  }
}
