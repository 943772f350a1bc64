import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, stopProcess } from '../../src/stop-process.js';

describe('stopProcess', () => {
  it('stops a running process and reports it gone', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid!;
    expect(isProcessAlive(pid)).toBe(true);
    expect(await stopProcess(pid)).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
    expect(await stopProcess(pid)).toBe(false);
  });

  it('falls back to SIGKILL after the grace period', async () => {
    const child = spawn('sh', ['-c', 'trap "" TERM; while :; do sleep 0.1; done'], { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await stopProcess(pid, { graceMs: 300 });
    expect(isProcessAlive(pid)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
