import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';

/** How a background service process ended. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  error?: Error;
}

/** Options for {@link spawnService}. */
export interface SpawnServiceOptions {
  command: string;
  args: readonly string[];
  /** The command line, then stdout and stderr, are appended to this file. */
  logFile: string;
  /** Start in its own session so it survives the parent (for `srconnect-services up`). */
  detached: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** A background process whose output goes to a log file. */
export interface SpawnedService {
  pid: number;
  child: ChildProcess;
  /** Set once the process has exited. */
  readonly exit: ServiceExit | undefined;
  /** Resolves when the process exits. */
  exited: Promise<ServiceExit>;
}

/**
 * Spawns a service process with stdin closed and stdout/stderr appended to `logFile` (a file, not a pipe,
 * so the service keeps running and logging after this process exits). The child is unref'd: it does not
 * keep Node's event loop alive.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<SpawnedService> {
  appendFileSync(options.logFile, `$ ${options.command} ${options.args.join(' ')}\n`);
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: options.detached,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let exit: ServiceExit | undefined;
  const exited = new Promise<ServiceExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit ??= { code, signal };
      resolve(exit);
    });
    child.once('error', (error) => {
      exit ??= { code: null, signal: null, error };
      resolve(exit);
    });
  });
  // Wait until the spawn either succeeded or failed, so callers get a pid or an error.
  await new Promise<void>((resolve) => {
    child.once('spawn', () => resolve());
    child.once('error', () => resolve());
  });
  child.unref();
  if (exit?.error || child.pid === undefined) {
    throw exit?.error ?? new Error(`could not spawn ${options.command}`);
  }
  return {
    pid: child.pid,
    child,
    get exit() {
      return exit;
    },
    exited,
  };
}

/**
 * Runs a one-shot setup command (formatting storage, initialising a data folder) to completion, its
 * command line, stdout and stderr appended to `logFile`.
 */
export function runLogged(
  command: string,
  args: readonly string[],
  logFile: string,
  timeoutMs = 120_000,
): SpawnSyncReturns<Buffer> {
  appendFileSync(logFile, `$ ${command} ${args.join(' ')}\n`);
  const fd = openSync(logFile, 'a');
  try {
    return spawnSync(command, args, { stdio: ['ignore', fd, fd], timeout: timeoutMs });
  } finally {
    closeSync(fd);
  }
}
