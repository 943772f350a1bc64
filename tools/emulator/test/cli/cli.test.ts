import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '../../dist/cli.js');
const READY =
  /^ready fe_http=(http:\/\/127\.0\.0\.1:(\d+)) be_http=(http:\/\/127\.0\.0\.1:(\d+)) query=127\.0\.0\.1:(\d+) be_scanner=127\.0\.0\.1:(\d+)\n$/;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the built CLI and resolves with everything it printed up to the ready line. */
function start(args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ child, line: out });
    });
    child.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${err}`)));
  });
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('srconnect-emulator CLI', () => {
  it('prints exactly one ready line, serves every listener, and exits cleanly on SIGTERM', async () => {
    const { child, line } = await start(['--user', 'alice:s3cret:x']);
    const m = READY.exec(line);
    expect(m, line).not.toBeNull();
    const [, feUrl, , , , queryPort] = m!;
    const auth = `Basic ${Buffer.from('alice:s3cret:x').toString('base64')}`;
    const state = await get(`${feUrl}/api/nodb/get_load_state?label=x`, { authorization: auth });
    expect(state.body).toContain('unknown database, database=nodb');
    const denied = await get(`${feUrl}/api/nodb/get_load_state?label=x`);
    expect(denied.status).toBe(401);
    const conn = await mysql.createConnection({
      host: '127.0.0.1',
      port: Number(queryPort),
      user: 'alice',
      password: 's3cret:x',
    });
    const [rows] = await conn.query('SELECT current_version() AS v');
    expect((rows as { v: string }[])[0]!.v).toMatch(/^\d+\.\d+\.\d+/);
    await conn.end();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('keeps data across a restart on the same --data-dir and honours fixed ports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sr-cli-'));
    try {
      const first = await start(['--data-dir', dir]);
      const port = Number(READY.exec(first.line)![5]);
      const c1 = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      await c1.query('CREATE DATABASE kept');
      await c1.query('CREATE TABLE kept.t (id INT) DUPLICATE KEY(id)');
      await c1.end();
      first.child.kill('SIGTERM');
      await once(first.child, 'exit');
      const second = await start(['--data-dir', dir, '--query-port', String(port)]);
      expect(Number(READY.exec(second.line)![5])).toBe(port);
      const c2 = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      const [tables] = await c2.query('SHOW TABLES FROM kept');
      expect(tables).toEqual([{ Tables_in_kept: 't' }]);
      await c2.end();
      second.child.kill('SIGINT');
      const [code] = (await once(second.child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad flag with a message naming it', async () => {
    const child = spawn(process.execPath, [CLI, '--query-port', 'abc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(err).toContain("--query-port must be a port number (0-65535), got 'abc'");
  });
});
