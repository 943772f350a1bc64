import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether `pid` names a live process (a zombie counts as gone). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // "pid (comm) S ..." — the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The command line of `pid` joined with spaces, or undefined when it cannot be read (no /proc, gone). */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Options for {@link stopProcess}. */
export interface StopProcessOptions {
  /** How long to wait after SIGTERM before SIGKILL. Default 10 s. */
  graceMs?: number;
}

/**
 * Stops `pid`: SIGTERM, then SIGKILL if it is still alive after `graceMs`. Resolves once it is gone.
 * Returns false if it was not running.
 */
export async function stopProcess(pid: number, options: StopProcessOptions = {}): Promise<boolean> {
  if (!isProcessAlive(pid)) return false;
  const graceMs = options.graceMs ?? 10_000;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isProcessAlive(pid)) {
    signal(pid, 'SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (isProcessAlive(pid) && Date.now() < killDeadline) await sleep(50);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
