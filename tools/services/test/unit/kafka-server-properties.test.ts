import { describe, expect, it } from 'vitest';
import { kafkaClusterId, kafkaServerProperties } from '../../src/kafka-server-properties.js';

function parse(text: string): Map<string, string> {
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

describe('kafkaServerProperties', () => {
  const props = parse(kafkaServerProperties({ port: 19092, controllerPort: 19093, logDir: '/tmp/k/log' }));

  it('runs broker and controller in one process with a static quorum on 127.0.0.1', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props.get('log.dirs')).toBe('/tmp/k/log');
  });

  it('sizes internal topics and memory for a single node', () => {
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
    expect(props.get('offsets.topic.num.partitions')).toBe('1');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(Number(props.get('log.cleaner.dedupe.buffer.size'))).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});

describe('kafkaClusterId', () => {
  it('makes 22-character URL-safe ids that never start with a dash', () => {
    const ids = new Set(Array.from({ length: 500 }, () => kafkaClusterId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
