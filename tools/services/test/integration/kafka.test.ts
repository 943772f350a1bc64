import { existsSync, rmSync } from 'node:fs';
import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaVersion } from '../../src/ensure-kafka-jars.js';
import { runPaths } from '../../src/run-paths.js';
import { ServiceStartError } from '../../src/service-start-error.js';
import { type KafkaServer, startKafka } from '../../src/start-kafka.js';
import { isProcessAlive } from '../../src/stop-process.js';

/** Polls `check` until it is true or `timeoutMs` passes. */
async function until(check: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('startKafka', () => {
  let server: KafkaServer;
  let kafka: Kafka;
  let admin: Admin;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    // Throws a ServiceStartError naming the fix (java, or the mvn command for the jars) if it cannot start.
    server = await startKafka();
    console.log(
      `[timing] Kafka ${kafkaVersion(runPaths())} cold start (jars cached): ${server.startMs} ms ` +
        `(${server.brokers.join(',')}, log ${server.logFile})`,
    );
    kafka = new Kafka({ clientId: 'services-test', brokers: server.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await admin?.disconnect();
    await server?.stop();
  });

  const consumer = (config: Parameters<Kafka['consumer']>[0]) => {
    const c = kafka.consumer({
      heartbeatInterval: 300,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 200,
      ...config,
    });
    consumers.push(c);
    return c;
  };

  it('starts within the 30 s target with a 512 MiB heap on free ports', () => {
    expect(server.startMs).toBeLessThan(30_000);
    expect(server.brokers).toEqual([`127.0.0.1:${server.port}`]);
    expect(server.controllerPort).not.toBe(server.port);
    expect(isProcessAlive(server.pid)).toBe(true);
  });

  it('round-trips messages with keys and headers', async () => {
    await admin.createTopics({ topics: [{ topic: 'round-trip', numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 60 }, (_, i) => ({
      key: `k${i % 7}`,
      value: `v${i}`,
      headers: { n: String(i) },
    }));
    await producer.send({ topic: 'round-trip', messages: sent });
    await producer.disconnect();

    const received: { key: string; value: string; n: string; partition: number }[] = [];
    const c = consumer({ groupId: 'round-trip' });
    await c.connect();
    await c.subscribe({ topic: 'round-trip', fromBeginning: true });
    await c.run({
      eachMessage: async ({ message, partition }) => {
        received.push({
          key: message.key!.toString(),
          value: message.value!.toString(),
          n: message.headers!.n!.toString(),
          partition,
        });
      },
    });
    await until(() => received.length >= sent.length, 30_000, 'all messages');
    await c.disconnect();
    expect(received.map((r) => r.value).sort()).toEqual(sent.map((s) => s.value).sort());
    for (const r of received) expect(r.value).toBe(`v${r.n}`);
    expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);
    // Same key, same partition.
    const partitionOfKey = new Map<string, number>();
    for (const r of received) {
      expect(partitionOfKey.get(r.key) ?? r.partition).toBe(r.partition);
      partitionOfKey.set(r.key, r.partition);
    }
  });

  it('rebalances a consumer group: when one of two members leaves, the other gets every partition', async () => {
    const topic = 'rebalance';
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const assignments = new Map<string, number[]>();
    const received = new Map<string, Set<number>>();
    const member = async (name: string) => {
      const c = consumer({ groupId: 'rebalance-group' });
      c.on(c.events.GROUP_JOIN, (event) =>
        assignments.set(name, [...(event.payload.memberAssignment[topic] ?? [])]),
      );
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      received.set(name, new Set());
      await c.run({ eachMessage: async ({ partition }) => void received.get(name)!.add(partition) });
      return c;
    };
    const a = await member('a');
    await until(() => assignments.get('a')?.length === 4, 30_000, 'a to own all partitions');
    const b = await member('b');
    await until(
      () =>
        (assignments.get('a')?.length ?? 0) > 0 &&
        (assignments.get('b')?.length ?? 0) > 0 &&
        (assignments.get('a')?.length ?? 0) + (assignments.get('b')?.length ?? 0) === 4,
      30_000,
      'the partitions to be split between a and b',
    );
    const split = [...assignments.get('a')!, ...assignments.get('b')!].sort();
    expect(split).toEqual([0, 1, 2, 3]);

    await b.disconnect(); // leaves the group
    await until(() => assignments.get('a')?.length === 4, 30_000, 'a to get every partition back');
    expect([...assignments.get('a')!].sort()).toEqual([0, 1, 2, 3]);

    // a now consumes from every partition.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ partition: p, value: `p${p}` })) });
    await producer.disconnect();
    await until(() => received.get('a')!.size === 4, 30_000, 'a to receive from all partitions');
    await a.disconnect();
  });

  it('hides aborted transactional messages from read_committed consumers', async () => {
    const topic = 'transactions';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({
      transactionalId: 'services-test-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    for (const [value, outcome] of [
      ['committed-1', 'commit'],
      ['aborted', 'abort'],
      ['committed-2', 'commit'],
    ] as const) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ value }] });
      await (outcome === 'commit' ? transaction.commit() : transaction.abort());
    }
    await producer.disconnect();

    const read = async (groupId: string, readUncommitted: boolean) => {
      const values: string[] = [];
      const c = consumer({ groupId, readUncommitted });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
      // committed-2 comes last in the partition, so once it is seen everything before it was delivered or skipped.
      await until(() => values.includes('committed-2'), 30_000, `${groupId} to read committed-2`);
      await c.disconnect();
      return values;
    };
    expect(await read('read-committed', false)).toEqual(['committed-1', 'committed-2']);
    expect(await read('read-uncommitted', true)).toEqual(['committed-1', 'aborted', 'committed-2']);
  });

  it('stop() ends the broker and removes its data', async () => {
    const other = await startKafka({ heapMb: 256 });
    expect(other.port).not.toBe(server.port);
    expect(existsSync(other.dataDir)).toBe(true);
    await other.stop();
    expect(isProcessAlive(other.pid)).toBe(false);
    expect(existsSync(other.dataDir)).toBe(false);
  });

  it('fails with KAFKA_FORMAT_FAILED and the log tail on a bad configuration', async () => {
    const error = await startKafka({ overrides: { 'num.network.threads': 'many' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect((error as ServiceStartError).code).toBe('KAFKA_FORMAT_FAILED');
    expect((error as ServiceStartError).message).toMatch(/num\.network\.threads/);
    expect((error as ServiceStartError).message).toContain('To fix:');
    rmSync((error as ServiceStartError).logFile!, { force: true });
  });
});
