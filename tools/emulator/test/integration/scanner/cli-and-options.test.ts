/** The scanner's CLI flag, ready-line field and emulator options. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEmulatorOptionError, startEmulator } from '../../../src/index.js';
import { openMysql, streamLoad, tempDir } from '../helpers.js';
import { planFor, scan } from './scan-helpers.js';
import { ScannerClient } from './thrift-client.js';

const CLI = join(import.meta.dirname, '../../../dist/cli.js');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('CLI', () => {
  it('--be-scanner-port: the ready line ends with be_scanner=H:P and the port speaks Thrift', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, '--be-scanner-port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    expect(line).toMatch(
      new RegExp(
        `^ready fe_http=http://127\\.0\\.0\\.1:\\d+ be_http=http://127\\.0\\.0\\.1:\\d+ query=127\\.0\\.0\\.1:\\d+ be_scanner=127\\.0\\.0\\.1:${port}\\n$`,
      ),
    );
    const c = await ScannerClient.connect(port);
    expect(await c.closeScanner('x')).toEqual({ code: 0, messages: [] });
    c.end();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('rejects a bad --be-scanner-port', async () => {
    const child = spawn(process.execPath, [CLI, '--be-scanner-port', '70000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(err).toContain("--be-scanner-port must be a port number (0-65535), got '70000'");
  });
});

describe('options', () => {
  it('beScannerPort picks the port; emu.beScannerPort reports it', async () => {
    const port = await freePort();
    const emu = await startEmulator({ beScannerPort: port, onError: () => {} });
    try {
      expect(emu.beScannerPort).toBe(port);
    } finally {
      await emu.close();
    }
  });

  it('validates the scanner options', async () => {
    await expect(startEmulator({ beScannerPort: -1 })).rejects.toThrow(InvalidEmulatorOptionError);
    await expect(startEmulator({ scanContextGcIntervalMs: 0 })).rejects.toThrow(/scanContextGcIntervalMs/);
    await expect(startEmulator({ scanKeepAliveMinuteMs: 1.5 })).rejects.toThrow(/scanKeepAliveMinuteMs/);
  });

  it('close() ends open scans and frees the port', async () => {
    const emu = await startEmulator({ onError: () => {} });
    const conn = await openMysql(emu);
    await conn.query('CREATE DATABASE d');
    await conn.query('CREATE TABLE d.t (id INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1');
    await conn.end();
    await streamLoad(
      emu,
      'd',
      't',
      { column_separator: ',' },
      Array.from({ length: 5000 }, (_, i) => i).join('\n'),
    );
    const p = await planFor(emu, 'd', 't', 'select id from d.t');
    const c = await ScannerClient.connect(emu.beScannerPort);
    const o = await c.open({ database: 'd', table: 't', tabletIds: p.tablets, plan: p.plan, batchSize: 100 });
    expect((await c.next(o.contextId!, 0)).status.code).toBe(0);
    await emu.close();
    expect(await c.waitClosed()).toBe(true);
    await expect(ScannerClient.connect(emu.beScannerPort)).rejects.toThrow();
  });

  it('with dataDir: scans work, and a plan handed out before a restart still opens after it', async () => {
    const dir = tempDir('emu-scan-');
    try {
      const first = await startEmulator({ dataDir: dir, onError: () => {} });
      const conn = await openMysql(first);
      await conn.query('CREATE DATABASE d');
      await conn.query(
        'CREATE TABLE d.t (id INT, s STRING) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2',
      );
      await conn.end();
      await streamLoad(first, 'd', 't', { column_separator: ',' }, '1,a\n2,b\n3,c');
      const p = await planFor(first, 'd', 't', 'select s from d.t where id > 1');
      const c1 = await ScannerClient.connect(first.beScannerPort);
      expect((await scan(c1, 'd', 't', p.plan, p.tablets)).rows.map((r) => r.s).sort()).toEqual(['b', 'c']);
      c1.end();
      await first.close();
      const second = await startEmulator({ dataDir: dir, onError: () => {} });
      try {
        const c2 = await ScannerClient.connect(second.beScannerPort);
        expect((await scan(c2, 'd', 't', p.plan, p.tablets)).rows.map((r) => r.s).sort()).toEqual(['b', 'c']);
        c2.end();
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
