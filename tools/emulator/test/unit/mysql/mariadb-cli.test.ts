import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToyServer, type ToyServer } from './toy-server.js';

const MARIADB = '/usr/bin/mariadb';
const run = promisify(execFile);
let toy: ToyServer;

beforeAll(async () => {
  toy = await startToyServer();
});

afterAll(async () => {
  await toy.server.close();
});

function mariadb(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  // Must not block: the server runs in this very process.
  return run(MARIADB, ['-h', '127.0.0.1', '-P', String(toy.port), ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
}

describe.skipIf(!existsSync(MARIADB))('the mariadb command-line client', () => {
  it('runs a query in batch mode and prints typed values, NULLs and unicode', async () => {
    const { stdout } = await mariadb('-u', 'root', '--batch', '-e', 'select * from typed');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('id\ttiny\tsmall\tbig\tubig\tflt\tdbl\tdec\tname\td\tdt\tts\tt\tj\tb\tyr');
    expect(lines[1]).toBe(
      '1\t-5\t300\t9007199254740991\t4294967296\t1.5\t1234.5678\t12345.67\théllo 世界 🎉\t2024-02-29\t' +
        '2024-02-29 13:14:15.123456\t2001-02-03 04:05:06\t-25:30:15\t{"a":[1,2,{"b":null}]}\traw\t2024',
    );
    expect(lines[3]).toBe(`3${'\tNULL'.repeat(15)}`);
    expect(lines).toHaveLength(4);
  });

  it('authenticates with -p<password> and reports access denied like MySQL', async () => {
    const { stdout } = await mariadb('-u', 'alice', '-psecret', '--batch', '-e', 'select user()');
    expect(stdout).toBe('user()\nalice@127.0.0.1\n');
    const failure = await mariadb('-u', 'alice', '-pwrong', '-e', 'select 1').catch(
      (e: { stderr: string }) => e,
    );
    expect(failure.stderr.trim()).toBe(
      "ERROR 1045 (28000): Access denied for user 'alice'@'127.0.0.1' (using password: YES)",
    );
  });

  it('connects to a database with -D, switches with USE (COM_INIT_DB) and reports unknown databases', async () => {
    const { stdout } = await mariadb(
      '-u',
      'root',
      '-D',
      'db',
      '--batch',
      '-e',
      'select database(); use other; select database()',
    );
    expect(stdout).toBe('database()\ndb\ndatabase()\nother\n');
    const failure = await mariadb('-u', 'root', '-D', 'nope', '-e', 'select 1').catch(
      (e: { stderr: string }) => e,
    );
    expect(failure.stderr.trim()).toBe("ERROR 1049 (42000): Unknown database 'nope'");
  });

  it('prints handler errors with errno and SQLSTATE', async () => {
    const failure = await mariadb('-u', 'root', '--batch', '-e', 'select 1; fail mysql').catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(failure.stdout).toBe('1\n1\n');
    expect(failure.stderr.trim().split('\n').at(-1)).toBe(
      "ERROR 1146 (42S02) at line 1: Table 'db.nope' doesn't exist",
    );
  });

  it('works interactively without -A (show databases/tables and COM_FIELD_LIST for completion)', async () => {
    const before = toy.log.length;
    // `script` gives the client a terminal, so it starts in interactive mode and reads table info.
    const command = `${MARIADB} -h 127.0.0.1 -P ${toy.port} -u root -D db`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let step = 0;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
      if (step === 0 && output.includes('[db]> ')) {
        step = 1;
        child.stdin.write('select 1;\n');
      }
      if (step === 1 && output.includes('1 row in set')) {
        step = 2;
        child.stdin.write('quit\n');
      }
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('Reading table information for completion');
    expect(output).toContain('Server version: 8.0.33-emulator StarRocks emulator');
    expect(output).toMatch(/\|\s+1 \|/);
    expect(toy.log.slice(before)).toEqual([
      'show databases',
      'show tables',
      'select @@version_comment limit 1',
      'select 1',
    ]);
  });
});
