import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunPaths } from './run-paths.js';
import type { ServiceName } from './service-start-error.js';

/** Connection settings of a MariaDB server. */
export interface MariaDbSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `mysql://user[:password]@host:port` — what `MYSQL_URL` holds. */
  url: string;
}

/** Connection settings of a Kafka cluster. */
export interface KafkaSettings {
  /** `host:port` bootstrap addresses — what `KAFKA_BROKERS` holds, comma-separated. */
  brokers: string[];
}

interface RecordBase {
  /** The server process. */
  pid: number;
  /** The process that started it and stops it; absent for services started by `srconnect-services up`. */
  ownerPid?: number;
  /** Removed when the service stops. */
  dataDir: string;
  /** Other paths removed when the service stops (e.g. a socket outside the data dir). */
  extraPaths?: string[];
  logFile: string;
  /** ISO time the service became ready. */
  startedAt: string;
  /** Milliseconds from the start call until it was ready. */
  startMs: number;
}

/** What is recorded about a running MariaDB. */
export interface MariaDbRecord extends RecordBase {
  service: 'mariadb';
  settings: MariaDbSettings;
}

/** What is recorded about a running Kafka broker. */
export interface KafkaRecord extends RecordBase {
  service: 'kafka';
  settings: KafkaSettings;
  controllerPort: number;
  clusterId: string;
}

/** A running service as recorded in the run folder. */
export type ServiceRecord = MariaDbRecord | KafkaRecord;

/** The contents of `.run/state.json`: services started by `srconnect-services up`. */
export interface ServicesState {
  mariadb?: MariaDbRecord;
  kafka?: KafkaRecord;
}

/** Reads `.run/state.json`; an absent or unreadable file reads as no services. */
export function readState(paths: RunPaths): ServicesState {
  try {
    const parsed = JSON.parse(readFileSync(paths.stateFile, 'utf8')) as ServicesState;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** Writes `.run/state.json` atomically, or removes it when no service is left. */
export function writeState(paths: RunPaths, state: ServicesState): void {
  if (!state.mariadb && !state.kafka) {
    rmSync(paths.stateFile, { force: true });
    return;
  }
  writeJsonAtomic(paths.stateFile, state);
}

/** Records a started service under `.run/instances/`, so `down` can find it even if its owner died. */
export function registerInstance(paths: RunPaths, record: ServiceRecord): void {
  writeJsonAtomic(instanceFile(paths, record.service, record.pid), record);
}

/** Forgets a service recorded by {@link registerInstance}. */
export function unregisterInstance(paths: RunPaths, service: ServiceName, pid: number): void {
  rmSync(instanceFile(paths, service, pid), { force: true });
}

/** All services recorded under `.run/instances/`. */
export function listInstances(paths: RunPaths): ServiceRecord[] {
  let names: string[];
  try {
    names = readdirSync(paths.instancesDir);
  } catch {
    return [];
  }
  const records: ServiceRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      records.push(JSON.parse(readFileSync(join(paths.instancesDir, name), 'utf8')) as ServiceRecord);
    } catch {
      // a half-written or foreign file: ignore
    }
  }
  return records;
}

function instanceFile(paths: RunPaths, service: ServiceName, pid: number): string {
  return join(paths.instancesDir, `${service}-${pid}.json`);
}

function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}
