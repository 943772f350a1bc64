#!/usr/bin/env node
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type RunPaths, runPaths } from './run-paths.js';
import { ServiceStartError } from './service-start-error.js';
import { startKafka } from './start-kafka.js';
import { startMariaDb } from './start-mariadb.js';
import {
  listInstances,
  readState,
  type ServiceRecord,
  type ServicesState,
  writeState,
} from './state-file.js';
import { isProcessAlive } from './stop-process.js';
import { isServiceRunning, stopService } from './stop-service.js';

const SERVICES = ['mariadb', 'kafka'] as const;
type Service = (typeof SERVICES)[number];

const USAGE = `Usage: srconnect-services <command> [mariadb|kafka ...]

Throwaway MariaDB (binlog ROW/FULL, GTIDs) and Kafka (KRaft) servers on 127.0.0.1 for tests.

Commands:
  up [services]      start them in the background (default: both) and print their settings
  down               stop them and remove their data (also services left behind by crashed test runs)
  status [--json]    show what is running; exit 0 if all requested services run, 3 if not
  env                print export lines (MYSQL_URL, KAFKA_BROKERS) for the running services

State, logs and data live in tools/services/.run (or $SRCONNECT_SERVICES_RUN_DIR).`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  const names = rest.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(SERVICES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    console.error(`unknown service(s): ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const services: Service[] = names.length > 0 ? (names as Service[]) : [...SERVICES];
  const paths = runPaths();
  switch (command) {
    case 'up':
      return up(paths, services);
    case 'down':
      return down(paths, services);
    case 'status':
      return status(paths, services, json);
    case 'env':
      return printEnv(paths);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

async function up(paths: RunPaths, services: Service[]): Promise<number> {
  const state = readState(paths);
  const starts = services.map(async (service) => {
    const existing = state[service];
    if (existing && isServiceRunning(existing)) {
      console.log(`${service}: already running (pid ${existing.pid})`);
      return;
    }
    if (existing) await stopService(paths, existing); // stale: clean its data
    if (service === 'mariadb') {
      state.mariadb = (await startMariaDb({ paths, detached: true, name: 'mariadb' })).record;
    } else {
      state.kafka = (await startKafka({ paths, detached: true, name: 'kafka' })).record;
    }
    // Write after each start, so a failure of the other still leaves this one recorded for `down`.
    writeState(paths, state);
  });
  const results = await Promise.allSettled(starts);
  for (const service of services)
    if (state[service] && !isServiceRunning(state[service])) delete state[service];
  writeState(paths, state);
  printTable(state, services);
  printEnvLines(state);
  let code = 0;
  for (const result of results) {
    if (result.status === 'rejected') {
      code = 1;
      console.error(`\n${errorText(result.reason)}`);
    }
  }
  return code;
}

async function down(paths: RunPaths, services: Service[]): Promise<number> {
  const state = readState(paths);
  const all = services.length === SERVICES.length;
  const stopped: string[] = [];
  for (const service of services) {
    const record = state[service];
    if (!record) continue;
    const wasRunning = isServiceRunning(record);
    await stopService(paths, record);
    delete state[service];
    stopped.push(`${service}${wasRunning ? ` (pid ${record.pid})` : ' (was not running)'}`);
  }
  writeState(paths, state);
  // Services whose owner is gone: left behind by a crashed test run or an earlier `up`.
  const kept = new Set<string>();
  for (const record of listInstances(paths)) {
    if (!services.includes(record.service)) continue;
    const owned = record.ownerPid !== undefined && isProcessAlive(record.ownerPid);
    const recorded = Object.values(state).some((r: ServiceRecord | undefined) => r?.pid === record.pid);
    if (owned || recorded) {
      kept.add(record.dataDir);
      continue;
    }
    await stopService(paths, record, { removeLog: record.ownerPid !== undefined });
    stopped.push(`${record.service} left behind (pid ${record.pid})`);
  }
  if (all) {
    // Data of services nobody runs any more, and logs of private services (named <service>-<port>.log).
    for (const name of safeList(paths.dataDir)) {
      const dir = join(paths.dataDir, name);
      if (!kept.has(dir)) rmSync(dir, { recursive: true, force: true });
    }
    for (const name of safeList(paths.logsDir)) {
      const match = /^(.+-\d+)\.log$/.exec(name);
      if (match && !kept.has(join(paths.dataDir, match[1]!)))
        rmSync(join(paths.logsDir, name), { force: true });
    }
  }
  console.log(stopped.length > 0 ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
  return 0;
}

function status(paths: RunPaths, services: Service[], json: boolean): number {
  const state = readState(paths);
  const running = services.filter((s) => state[s] && isServiceRunning(state[s]));
  const privateOnes = listInstances(paths).filter(
    (r) => r.ownerPid !== undefined && isProcessAlive(r.ownerPid) && isServiceRunning(r),
  );
  if (json) {
    const out: Record<string, unknown> = {};
    for (const service of services) {
      const record = state[service];
      out[service] = record ? { running: isServiceRunning(record), ...record } : { running: false };
    }
    out.private = privateOnes;
    console.log(JSON.stringify(out, null, 2));
  } else {
    printTable(state, services);
    for (const record of privateOnes) {
      console.log(
        `${record.service.padEnd(8)} private  pid ${record.pid}, owned by pid ${record.ownerPid}: ${address(record)}`,
      );
    }
  }
  return running.length === services.length ? 0 : 3;
}

function printEnv(paths: RunPaths): number {
  const state = readState(paths);
  for (const service of SERVICES)
    if (state[service] && !isServiceRunning(state[service])) delete state[service];
  printEnvLines(state, 'export ');
  return state.mariadb || state.kafka ? 0 : 3;
}

function printTable(state: ServicesState, services: Service[]): void {
  for (const service of services) {
    const record = state[service];
    if (!record) {
      console.log(`${service.padEnd(8)} stopped`);
    } else if (!isServiceRunning(record)) {
      console.log(`${service.padEnd(8)} dead     (pid ${record.pid} is gone; run down, then up)`);
    } else {
      const log = relative(process.cwd(), record.logFile) || record.logFile;
      console.log(
        `${service.padEnd(8)} running  pid ${record.pid}  ${address(record)}  ` +
          `(ready in ${(record.startMs / 1000).toFixed(1)} s, log ${log.startsWith('..') ? record.logFile : log})`,
      );
    }
  }
}

function printEnvLines(state: ServicesState, prefix = ''): void {
  const lines: string[] = [];
  if (state.mariadb) lines.push(`${prefix}MYSQL_URL=${state.mariadb.settings.url}`);
  if (state.kafka) lines.push(`${prefix}KAFKA_BROKERS=${state.kafka.settings.brokers.join(',')}`);
  if (lines.length > 0) console.log(`${prefix ? '' : '\n'}${lines.join('\n')}`);
}

function address(record: ServiceRecord): string {
  return record.service === 'mariadb' ? record.settings.url : record.settings.brokers.join(',');
}

function errorText(error: unknown): string {
  if (error instanceof ServiceStartError) return `error [${error.code}] ${error.message}`;
  return `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(errorText(error));
    process.exitCode = 1;
  },
);
