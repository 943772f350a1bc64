import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServices } from '../../src/ensure-services.js';
import { packageDir, runPaths } from '../../src/run-paths.js';
import { canListTopics } from '../../src/start-kafka.js';
import { readState } from '../../src/state-file.js';
import { isProcessAlive } from '../../src/stop-process.js';

const exec = promisify(execFile);
const cli = join(packageDir, 'dist', 'cli.js');
// A run folder of its own, so the test neither reuses nor stops services a developer started with `up`.
// MYSQL_URL / KAFKA_BROKERS are dropped so that ensureServices looks at the services started by `up`.
const { MYSQL_URL: _m, KAFKA_BROKERS: _k, ...inherited } = process.env;
const env = { ...inherited, SRCONNECT_SERVICES_RUN_DIR: mkdtempSync(join(tmpdir(), 'srconnect-cli-')) };
const paths = runPaths(env);

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Builds dist/ with tsc when it is missing or older than a source file. */
function buildIfStale(): Promise<unknown> | undefined {
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
  if (existsSync(cli) && statSync(cli).mtimeMs >= newest(join(packageDir, 'src'))) return undefined;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return exec(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], { cwd: packageDir });
}

describe('srconnect-services CLI', () => {
  beforeAll(async () => {
    await buildIfStale();
  });
  afterAll(async () => {
    await run('down');
    rmSync(paths.runDir, { recursive: true, force: true });
  });

  it('up starts both services in the background and prints their settings', async () => {
    const started = Date.now();
    const up = await run('up');
    const ms = Date.now() - started;
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    console.log(
      `[timing] srconnect-services up (MariaDB and Kafka in parallel, jars cached): ${ms} ms\n${up.stdout}`,
    );
    const state = readState(paths);
    expect(up.stdout).toContain(`MYSQL_URL=${state.mariadb?.settings.url}`);
    expect(up.stdout).toContain(`KAFKA_BROKERS=${state.kafka?.settings.brokers.join(',')}`);
    // They outlive the CLI process.
    expect(isProcessAlive(state.mariadb!.pid)).toBe(true);
    expect(isProcessAlive(state.kafka!.pid)).toBe(true);
    expect(existsSync(join(paths.logsDir, 'mariadb.log'))).toBe(true);
    expect(existsSync(join(paths.logsDir, 'kafka.log'))).toBe(true);

    const db = await createConnection(state.mariadb!.settings.url);
    await db.query('SELECT 1');
    await db.end();
    expect(await canListTopics(state.kafka!.settings.brokers)).toBe(true);
  });

  it('up again reuses what runs', async () => {
    const pids = readState(paths);
    const again = await run('up');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`mariadb: already running (pid ${pids.mariadb!.pid})`);
    expect(again.stdout).toContain(`kafka: already running (pid ${pids.kafka!.pid})`);
  });

  it('status reports both running, as text and JSON, and env prints export lines', async () => {
    const status = await run('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^mariadb\s+running\s+pid \d+\s+mysql:\/\/root@127\.0\.0\.1:\d+/m);
    expect(status.stdout).toMatch(/^kafka\s+running\s+pid \d+\s+127\.0\.0\.1:\d+/m);
    const json = JSON.parse((await run('status', '--json')).stdout) as Record<string, { running: boolean }>;
    expect(json.mariadb?.running).toBe(true);
    expect(json.kafka?.running).toBe(true);
    const exports = await run('env');
    expect(exports.stdout).toMatch(/^export MYSQL_URL=mysql:\/\/root@127\.0\.0\.1:\d+$/m);
    expect(exports.stdout).toMatch(/^export KAFKA_BROKERS=127\.0\.0\.1:\d+$/m);
  });

  it('ensureServices reuses the services started by up and leaves them running', async () => {
    const state = readState(paths);
    const services = await ensureServices({ mariadb: true, kafka: true, env, setEnv: false });
    expect(services.mariadb).toMatchObject({ source: 'up', url: state.mariadb!.settings.url });
    expect(services.kafka).toMatchObject({ source: 'up', brokers: state.kafka!.settings.brokers });
    await services.teardown();
    expect(isProcessAlive(state.mariadb!.pid)).toBe(true);
    expect(isProcessAlive(state.kafka!.pid)).toBe(true);
  });

  it('down stops both, removes their data and what crashed test runs left behind; status then says stopped', async () => {
    const state = readState(paths);
    // A record left by a test run that died (its owner and server are gone), with its data folder.
    const leftover = join(paths.dataDir, 'mariadb-1');
    mkdirSync(leftover, { recursive: true });
    mkdirSync(paths.instancesDir, { recursive: true });
    writeFileSync(
      join(paths.instancesDir, 'mariadb-999999.json'),
      JSON.stringify({ ...state.mariadb, pid: 999_999, ownerPid: 999_998, dataDir: leftover }),
    );

    const down = await run('down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`mariadb (pid ${state.mariadb!.pid})`);
    expect(down.stdout).toContain(`kafka (pid ${state.kafka!.pid})`);
    expect(isProcessAlive(state.mariadb!.pid)).toBe(false);
    expect(isProcessAlive(state.kafka!.pid)).toBe(false);
    expect(existsSync(state.mariadb!.dataDir)).toBe(false);
    expect(existsSync(state.kafka!.dataDir)).toBe(false);
    expect(existsSync(leftover)).toBe(false);
    expect(readdirSync(paths.instancesDir)).toEqual([]);
    expect(existsSync(paths.stateFile)).toBe(false);

    const status = await run('status');
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/^mariadb\s+stopped$/m);
    expect(status.stdout).toMatch(/^kafka\s+stopped$/m);
    expect((await run('down')).stdout).toContain('nothing was running');
  });
});
