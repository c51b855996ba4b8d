import { ConfigError, IngestConfig, RuntimeConfig, loadConfig } from '@touchpoint/config';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('given an empty environment, when loaded, then documented defaults apply and engines are embedded', () => {
    const config = loadConfig([RuntimeConfig, IngestConfig], {});
    const runtime = config.get(RuntimeConfig);
    expect(runtime.PORT).toBe(3000);
    expect(runtime.DATA_DIR).toBe('./data');
    expect(runtime.KAFKA_BROKERS).toBeUndefined();
    expect(runtime.MONGO_URL).toBeUndefined();
    expect(runtime.KAFKA_TOPIC_PARTITIONS).toBe(12);
    expect(config.get(IngestConfig).INGEST_MAX_BATCH_EVENTS).toBe(500);
    expect(config.get(IngestConfig).INGEST_MAX_BODY_BYTES).toBe(5 * 1024 * 1024);
  });

  it('given engine URLs and numbers as strings, when loaded, then they are typed', () => {
    const runtime = loadConfig([RuntimeConfig], {
      PORT: '8080',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      MONGO_URL: 'mongodb://localhost:27017/',
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      KAFKA_TOPIC_PARTITIONS: '6',
    }).get(RuntimeConfig);
    expect(runtime.PORT).toBe(8080);
    expect(runtime.KAFKA_BROKERS).toBe('k1:9092,k2:9092');
    expect(runtime.KAFKA_TOPIC_PARTITIONS).toBe(6);
    expect(runtime.EVENTSTORE_URL).toBe('esdb://localhost:2113?tls=false');
  });

  it('given malformed settings, when loaded, then every problem names its variable, the expected form and the value', () => {
    const problems = problemsOf(() =>
      loadConfig([RuntimeConfig], {
        PORT: 'eighty',
        KAFKA_BROKERS: 'localhost',
        MONGO_URL: 'postgres://x',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: expected an integer TCP port .* got "eighty"$/),
        expect.stringMatching(
          /^KAFKA_BROKERS: expected a comma-separated list of host:port.*got "localhost"$/,
        ),
        expect.stringMatching(
          /^MONGO_URL: expected a MongoDB connection string.*got "postgres:\/\/x"$/,
        ),
        expect.stringMatching(/^LOG_LEVEL: expected one of debug, info, warn, error, got "loud"$/),
      ]),
    );
  });

  it('given an app that needs real engines, when the variable is unset, then the hint says what to do', () => {
    const problems = problemsOf(() =>
      loadConfig(
        [RuntimeConfig],
        { MONGO_URL: '' },
        { required: ['KAFKA_BROKERS', 'MONGO_URL'], hint: 'use npm start' },
      ),
    );
    expect(problems).toEqual([
      'KAFKA_BROKERS is not set: use npm start',
      'MONGO_URL is not set: use npm start',
    ]);
  });

  it('given a section the app did not load, when asked for, then it fails loudly', () => {
    const config = loadConfig([RuntimeConfig], {});
    expect(() => config.get(IngestConfig)).toThrow(/IngestConfig was not loaded/);
  });
});
