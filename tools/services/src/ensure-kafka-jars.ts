import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './find-executable.js';
import { logTail } from './log-tail.js';
import type { RunPaths } from './run-paths.js';
import { ServiceStartError } from './service-start-error.js';

/** The `kafka.version` property of `tools/services/kafka/pom.xml`. */
export function kafkaVersion(paths: RunPaths): string {
  const pom = readFileSync(join(paths.kafkaDir, 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new Error(`no <kafka.version> in ${join(paths.kafkaDir, 'pom.xml')}`);
  return match[1].trim();
}

/** The command that (re)fetches the broker's jars, to show in error messages. */
export function kafkaJarsCommand(paths: RunPaths): string {
  return `mvn -q -f ${join(paths.kafkaDir, 'pom.xml')} dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=lib`;
}

/**
 * Makes sure `tools/services/kafka/lib` holds the jars of the pom's Kafka version and returns the folder.
 * Jars already there are reused without running Maven. Otherwise Maven copies them, offline first (`-o`,
 * from `~/.m2`) and from Maven Central only if that fails, into a temporary folder that is then renamed,
 * so concurrent starts and interrupted downloads never leave a half-filled `lib`.
 *
 * @throws {ServiceStartError} `KAFKA_JARS_MISSING` with Maven's output and the command to run by hand.
 */
export function ensureKafkaJars(paths: RunPaths): string {
  const version = kafkaVersion(paths);
  const lib = paths.kafkaLibDir;
  if (jarsReady(lib, version)) return lib;
  const fix = kafkaJarsCommand(paths);
  const mvn = findExecutable(['mvn']);
  if (!mvn) {
    throw new ServiceStartError(
      'kafka',
      'KAFKA_JARS_MISSING',
      `the Kafka ${version} jars are not in ${lib} and mvn is not installed`,
      {
        fix: `apt-get install -y maven && ${fix}`,
      },
    );
  }
  mkdirSync(paths.logsDir, { recursive: true });
  const logFile = join(paths.logsDir, 'kafka-jars.log');
  const tmp = `${lib}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const fd = openSync(logFile, 'w');
  try {
    const run = (offline: boolean) =>
      spawnSync(
        mvn,
        [
          ...(offline ? ['-o'] : []),
          '-q',
          '-B',
          '-f',
          join(paths.kafkaDir, 'pom.xml'),
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${tmp}`,
        ],
        { stdio: ['ignore', fd, fd], timeout: 600_000 },
      ).status === 0;
    if (!run(true) && !run(false)) {
      rmSync(tmp, { recursive: true, force: true });
      throw new ServiceStartError(
        'kafka',
        'KAFKA_JARS_MISSING',
        `Maven could not fetch the Kafka ${version} jars`,
        {
          fix,
          logFile,
          logTail: logTail(logFile),
        },
      );
    }
  } finally {
    closeSync(fd);
  }
  if (!jarsReady(lib, version)) {
    rmSync(lib, { recursive: true, force: true });
    try {
      renameSync(tmp, lib);
    } catch {
      // another process won the race; use its folder
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  if (!jarsReady(lib, version)) {
    throw new ServiceStartError(
      'kafka',
      'KAFKA_JARS_MISSING',
      `no complete set of Kafka ${version} jars in ${lib}`,
      {
        fix,
      },
    );
  }
  return lib;
}

/**
 * Whether `lib` holds the jars of `version`: its core, server and client jars, the log4j binding, and no core
 * jar of another version (so a folder filled by running the Maven command by hand counts too).
 */
function jarsReady(lib: string, version: string): boolean {
  let files: string[];
  try {
    files = readdirSync(lib);
  } catch {
    return false;
  }
  const core = `kafka_2.13-${version}.jar`;
  return (
    files.includes(core) &&
    files.includes(`kafka-server-${version}.jar`) &&
    files.includes(`kafka-clients-${version}.jar`) &&
    files.some((f) => f.startsWith('log4j-slf4j-impl-')) &&
    !files.some((f) => f.startsWith('kafka_2.13-') && f !== core)
  );
}
