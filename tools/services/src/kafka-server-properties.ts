import { randomBytes } from 'node:crypto';

/** Inputs of {@link kafkaServerProperties}. */
export interface KafkaServerPropertiesInput {
  port: number;
  controllerPort: number;
  /** `log.dirs` */
  logDir: string;
  nodeId?: number;
}

/**
 * The `server.properties` of a single-node KRaft cluster (broker and controller in one process) on
 * 127.0.0.1: static quorum, replication factor 1 and one partition for internal topics, no initial
 * rebalance delay, a small log cleaner buffer so it fits a 512 MiB heap.
 */
export function kafkaServerProperties(input: KafkaServerPropertiesInput): string {
  const nodeId = input.nodeId ?? 1;
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': nodeId,
    'controller.quorum.voters': `${nodeId}@127.0.0.1:${input.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${input.port},CONTROLLER://127.0.0.1:${input.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${input.port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': input.logDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'auto.create.topics.enable': true,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.dedupe.buffer.size': 4 * 1024 * 1024,
    'log.cleaner.threads': 1,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * A new Kafka cluster id: 16 random bytes in URL-safe base64 without padding (22 characters), like
 * Kafka's own `Uuid.randomUuid()`, never starting with '-' (it would read as a command-line option).
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
