import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureKafkaJars, kafkaJarsCommand } from './ensure-kafka-jars.js';
import { findExecutable } from './find-executable.js';
import { freePorts } from './free-port.js';
import { kafkaClusterId, kafkaServerProperties } from './kafka-server-properties.js';
import { logTail } from './log-tail.js';
import { freshServiceDir, type RunPaths, runPaths } from './run-paths.js';
import { ServiceStartError } from './service-start-error.js';
import { runLogged, spawnService } from './spawn-service.js';
import { type KafkaRecord, type KafkaSettings, registerInstance } from './state-file.js';
import { killServiceSync, stopService } from './stop-service.js';
import { waitUntilReady } from './wait-until-ready.js';

/** Options for {@link startKafka}. */
export interface StartKafkaOptions {
  /** PLAINTEXT (client) port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** CONTROLLER port on 127.0.0.1. Default: a free port. */
  controllerPort?: number;
  /** Run in its own session so it outlives this process (what `srconnect-services up` does). Default false. */
  detached?: boolean;
  /** Name of the log file and data folder. Default `kafka-<port>`. */
  name?: string;
  /** Run folder for logs, data and records. Default {@link runPaths}(). */
  paths?: RunPaths;
  /** How long to wait until an admin client can list topics. Default 60 s. */
  timeoutMs?: number;
  /** Maximum JVM heap in MiB. Default 512. */
  heapMb?: number;
  /** More `server.properties` lines, as key/value pairs, applied after the defaults. */
  overrides?: Readonly<Record<string, string | number | boolean>>;
}

/** A running private Kafka broker. */
export interface KafkaServer extends KafkaSettings {
  pid: number;
  port: number;
  controllerPort: number;
  clusterId: string;
  /** The broker's folder (server.properties and log.dirs); removed by {@link KafkaServer.stop}. */
  dataDir: string;
  logFile: string;
  /** Milliseconds from the call until an admin client listed topics. */
  startMs: number;
  /** What is written to the run folder about this broker. */
  record: KafkaRecord;
  /**
   * Stops the broker and removes its data (and, unless it was started detached, its log). Safe to call twice.
   */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway single-node Apache Kafka (KRaft: broker and controller in one JVM, heap capped at
 * 512 MiB) on 127.0.0.1 from the jars in `tools/services/kafka/lib` (fetched with Maven when missing).
 * The storage is formatted with a fresh cluster id. Resolves once a kafkajs admin client lists topics.
 *
 * @throws {ServiceStartError} with the tail of the broker's log and the command that fixes the problem.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaServer> {
  const paths = options.paths ?? runPaths();
  const started = Date.now();
  const java = findJava();
  const lib = ensureKafkaJars(paths);
  const fixedPorts = options.port !== undefined || options.controllerPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    const [free1, free2] = await freePorts(2);
    const port = options.port ?? free1!;
    const controllerPort = options.controllerPort ?? (free2 === port ? free1! : free2!);
    try {
      return await startOnce(paths, java, lib, port, controllerPort, options, started);
    } catch (error) {
      const clash =
        error instanceof ServiceStartError &&
        /address already in use|BindException/i.test(error.logTail ?? '');
      if (!clash || fixedPorts || attempt >= 3) throw error;
    }
  }
}

function findJava(): string {
  const javaHome = process.env.JAVA_HOME;
  const java = findExecutable(['java'], javaHome ? [join(javaHome, 'bin')] : []);
  if (!java) {
    throw new ServiceStartError('kafka', 'JAVA_NOT_FOUND', 'java (17 or newer) is not installed', {
      fix: 'apt-get install -y openjdk-17-jre-headless',
    });
  }
  return java;
}

async function startOnce(
  paths: RunPaths,
  java: string,
  lib: string,
  port: number,
  controllerPort: number,
  options: StartKafkaOptions,
  started: number,
): Promise<KafkaServer> {
  const { dir, logFile } = freshServiceDir(paths, options.name ?? `kafka-${port}`);
  const propertiesFile = join(dir, 'server.properties');
  const overrides = Object.entries(options.overrides ?? {}).map(([key, value]) => `${key}=${value}\n`);
  writeFileSync(
    propertiesFile,
    kafkaServerProperties({ port, controllerPort, logDir: join(dir, 'log') }) + overrides.join(''),
  );
  const clusterId = kafkaClusterId();
  const classpath = join(lib, '*');
  const logging = `-Dlog4j2.configurationFile=${join(paths.kafkaDir, 'log4j2.properties')}`;
  const fail = (
    code: 'KAFKA_FORMAT_FAILED' | 'KAFKA_START_FAILED' | 'KAFKA_START_TIMEOUT',
    summary: string,
  ) => {
    rmSync(dir, { recursive: true, force: true });
    return new ServiceStartError('kafka', code, summary, {
      logFile,
      logTail: logTail(logFile, 40),
      fix: `look at the log above; to fetch the broker's jars again: rm -rf ${lib} && ${kafkaJarsCommand(paths)}`,
    });
  };

  // A short-lived JVM: small heap, client compiler only.
  const formatArgs = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    logging,
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    propertiesFile,
  ];
  const format = runLogged(java, formatArgs, logFile);
  if (format.status !== 0)
    throw fail('KAFKA_FORMAT_FAILED', `formatting the storage failed (exit ${format.status})`);

  const heapMb = options.heapMb ?? 512;
  const args = [
    `-Xms${Math.min(128, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    logging,
    '-cp',
    classpath,
    'kafka.Kafka',
    propertiesFile,
  ];
  const server = await spawnService({ command: java, args, logFile, detached: options.detached ?? false });

  const brokers = [`127.0.0.1:${port}`];
  const timeoutMs = options.timeoutMs ?? 60_000;
  await waitUntilReady(server, {
    ready: () => canListTopics(brokers),
    timeoutMs,
    pollMs: 200,
    exitedError: (exit) =>
      fail('KAFKA_START_FAILED', `the broker exited (code ${exit.code}, signal ${exit.signal})`),
    timeoutError: () =>
      fail('KAFKA_START_TIMEOUT', `no admin connection to ${brokers[0]} within ${timeoutMs} ms`),
  });

  const settings: KafkaSettings = { brokers };
  const startMs = Date.now() - started;
  const record: KafkaRecord = {
    service: 'kafka',
    pid: server.pid,
    ...(options.detached ? {} : { ownerPid: process.pid }),
    dataDir: dir,
    logFile,
    startedAt: new Date().toISOString(),
    startMs,
    settings,
    controllerPort,
    clusterId,
  };
  registerInstance(paths, record);
  const onExit = () => killServiceSync(paths, record);
  if (!options.detached) process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    ...settings,
    pid: server.pid,
    port,
    controllerPort,
    clusterId,
    dataDir: dir,
    logFile,
    startMs,
    record,
    stop() {
      process.removeListener('exit', onExit);
      // The data is thrown away, so a long controlled shutdown buys nothing.
      stopping ??= stopService(paths, record, { graceMs: 5_000, removeLog: !options.detached });
      return stopping;
    },
  };
}

/** Whether a kafkajs admin client can connect to `brokers` and list topics. */
export async function canListTopics(brokers: string[], timeoutMs = 3_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'srconnect-services-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
