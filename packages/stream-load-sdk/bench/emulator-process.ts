import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** An emulator in its own process, so that it does not share the benchmark's CPU and event loop. */
export interface EmulatorProcess {
  readonly feUrl: string;
  readonly beUrl: string;
  readonly queryPort: number;
  faults(cmd: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('@srconnect/emulator/package.json')), 'dist', 'cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const m = /fe_http=(\S+) be_http=(\S+) query=\S+:(\d+)/.exec(line);
  if (!m) throw new Error(`unexpected ready line: ${line}`);
  const feUrl = m[1]!;
  return {
    feUrl,
    beUrl: m[2]!,
    queryPort: Number(m[3]),
    faults: (cmd) =>
      new Promise((resolve, reject) => {
        const body = Buffer.from(JSON.stringify(cmd));
        const req = request(`${feUrl}/api/_emulator/faults`, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${Buffer.from('root:').toString('base64')}`,
            'Content-Length': body.length,
          },
        });
        req.on('response', (res) => {
          let t = '';
          res.on('data', (d: Buffer) => {
            t += d.toString();
          });
          res.on('end', () => resolve(JSON.parse(t) as Record<string, unknown>));
        });
        req.on('error', reject);
        req.end(body);
      }),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
