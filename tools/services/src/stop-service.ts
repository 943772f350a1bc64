import { rmSync } from 'node:fs';
import type { RunPaths } from './run-paths.js';
import type { ServiceRecord } from './state-file.js';
import { unregisterInstance } from './state-file.js';
import { isProcessAlive, processCommandLine, stopProcess } from './stop-process.js';

const COMMAND_MARKERS = { mariadb: 'mariadbd', kafka: 'kafka.Kafka' } as const;

/**
 * Whether the recorded service's process is still running. Checks the process's command line too (where
 * /proc exists), so a recycled pid is not mistaken for the service.
 */
export function isServiceRunning(record: ServiceRecord): boolean {
  if (!isProcessAlive(record.pid)) return false;
  const commandLine = processCommandLine(record.pid);
  return commandLine === undefined || commandLine.includes(COMMAND_MARKERS[record.service]);
}

/** Options for {@link stopService}. */
export interface StopServiceOptions {
  /** How long to wait after SIGTERM before SIGKILL. Default 10 s. */
  graceMs?: number;
  /** Remove the log file too. Default false. */
  removeLog?: boolean;
}

/**
 * Stops a recorded service (SIGTERM, then SIGKILL after `graceMs`), removes its data folder and any
 * extra paths, and forgets its instance record. The log file is kept unless `removeLog` is set.
 */
export async function stopService(
  paths: RunPaths,
  record: ServiceRecord,
  options: StopServiceOptions = {},
): Promise<void> {
  if (isServiceRunning(record)) {
    await stopProcess(record.pid, options.graceMs === undefined ? {} : { graceMs: options.graceMs });
  }
  const removed = [
    record.dataDir,
    ...(record.extraPaths ?? []),
    ...(options.removeLog ? [record.logFile] : []),
  ];
  for (const path of removed) {
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  }
  unregisterInstance(paths, record.service, record.pid);
}

/** Synchronous last-resort cleanup for `process.on('exit')`: SIGKILL and remove the data. */
export function killServiceSync(paths: RunPaths, record: ServiceRecord): void {
  if (isServiceRunning(record)) {
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const path of [record.dataDir, ...(record.extraPaths ?? [])]) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  unregisterInstance(paths, record.service, record.pid);
}
