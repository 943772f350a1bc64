import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where this package keeps its run state, logs, data and Kafka jars. */
export interface RunPaths {
  /** The package folder, `tools/services`. */
  packageDir: string;
  /** `tools/services/.run` (git-ignored), or `$SRCONNECT_SERVICES_RUN_DIR`. */
  runDir: string;
  /** `<runDir>/logs`: one log file per service. */
  logsDir: string;
  /** `<runDir>/data`: one data folder per running service, removed when it stops. */
  dataDir: string;
  /** `<runDir>/state.json`: the services started by `srconnect-services up`. */
  stateFile: string;
  /** `<runDir>/instances`: one record per private service started by a test run. */
  instancesDir: string;
  /** `tools/services/kafka`: pom.xml and log4j2.properties. */
  kafkaDir: string;
  /** `tools/services/kafka/lib` (git-ignored): the broker's jars. */
  kafkaLibDir: string;
}

/** The package folder, found from this module's own location (works from `src/` and `dist/`). */
export const packageDir: string = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * The folders used by the services. `SRCONNECT_SERVICES_RUN_DIR` moves the run folder (state, logs, data)
 * elsewhere, e.g. so a test of the CLI does not touch services a developer started with `up`.
 */
export function runPaths(env: NodeJS.ProcessEnv = process.env): RunPaths {
  const runDir = resolve(env.SRCONNECT_SERVICES_RUN_DIR || join(packageDir, '.run'));
  const kafkaDir = join(packageDir, 'kafka');
  return {
    packageDir,
    runDir,
    logsDir: join(runDir, 'logs'),
    dataDir: join(runDir, 'data'),
    stateFile: join(runDir, 'state.json'),
    instancesDir: join(runDir, 'instances'),
    kafkaDir,
    kafkaLibDir: join(kafkaDir, 'lib'),
  };
}

/** Creates an empty data folder and an empty log file for a service named `name`. */
export function freshServiceDir(paths: RunPaths, name: string): { dir: string; logFile: string } {
  const dir = join(paths.dataDir, name);
  const logFile = join(paths.logsDir, `${name}.log`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(paths.logsDir, { recursive: true });
  writeFileSync(logFile, '');
  return { dir, logFile };
}
