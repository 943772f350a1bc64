import { describe, expect, it } from 'vitest';
import { parseKafkaBrokers, parseMysqlUrl, serviceOverrides } from '../../src/service-overrides.js';
import { ServiceStartError } from '../../src/service-start-error.js';

describe('serviceOverrides', () => {
  it('is empty without MYSQL_URL and KAFKA_BROKERS', () => {
    expect(serviceOverrides({})).toEqual({});
    expect(serviceOverrides({ MYSQL_URL: ' ', KAFKA_BROKERS: '' })).toEqual({});
  });

  it('reads both variables', () => {
    expect(
      serviceOverrides({ MYSQL_URL: 'mysql://root@127.0.0.1:3307', KAFKA_BROKERS: '127.0.0.1:9092' }),
    ).toEqual({
      mariadb: {
        host: '127.0.0.1',
        port: 3307,
        user: 'root',
        password: '',
        url: 'mysql://root@127.0.0.1:3307',
      },
      kafka: { brokers: ['127.0.0.1:9092'] },
    });
  });
});

describe('parseMysqlUrl', () => {
  it('decodes user and password and defaults the port to 3306', () => {
    expect(parseMysqlUrl('mysql://app%40x:p%3Ass@db.example')).toMatchObject({
      host: 'db.example',
      port: 3306,
      user: 'app@x',
      password: 'p:ss',
    });
  });

  it('defaults the user to root and accepts mariadb:// and IPv6 hosts', () => {
    expect(parseMysqlUrl('mariadb://[::1]:3310')).toMatchObject({ host: '::1', port: 3310, user: 'root' });
  });

  it('rejects what is not a mysql URL with INVALID_OVERRIDE', () => {
    for (const url of ['127.0.0.1:3306', 'http://127.0.0.1:3306']) {
      expect(() => parseMysqlUrl(url)).toThrow(ServiceStartError);
      try {
        parseMysqlUrl(url);
      } catch (error) {
        expect((error as ServiceStartError).code).toBe('INVALID_OVERRIDE');
        expect((error as ServiceStartError).message).toContain('MYSQL_URL');
      }
    }
  });
});

describe('parseKafkaBrokers', () => {
  it('splits and trims a comma-separated list', () => {
    expect(parseKafkaBrokers(' 127.0.0.1:9092, broker-2:9093 ,')).toEqual({
      brokers: ['127.0.0.1:9092', 'broker-2:9093'],
    });
  });

  it('rejects entries without a port', () => {
    expect(() => parseKafkaBrokers('127.0.0.1')).toThrow(/KAFKA_BROKERS must be host:port/);
  });
});
