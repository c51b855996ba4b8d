import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Settings every process shares: where it listens and which engines it talks to.
 * An unset engine URL selects the embedded adapter, so `npm start` works with nothing installed.
 */
export class RuntimeConfig {
  @Type(() => Number)
  @IsInt({ message: 'an integer TCP port between 0 and 65535 (0 picks a free port)' })
  @Min(0, { message: 'an integer TCP port between 0 and 65535 (0 picks a free port)' })
  @Max(65535, { message: 'an integer TCP port between 0 and 65535 (0 picks a free port)' })
  PORT = 3000;

  @IsIn(LOG_LEVELS, { message: `one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @IsString({ message: 'a directory path' })
  DATA_DIR = './data';

  @IsOptional()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: 'a comma-separated list of host:port, e.g. localhost:9092,broker2:9092',
  })
  KAFKA_BROKERS?: string;

  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'letters, digits, dots, dashes or underscores' })
  KAFKA_CLIENT_ID = 'touchpoint';

  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'a Kafka topic name prefix (letters, digits, . _ -)' })
  TOPIC_PREFIX = 'touchpoint';

  @Type(() => Number)
  @IsInt({ message: 'an integer between 1 and 1000' })
  @Min(1, { message: 'an integer between 1 and 1000' })
  @Max(1000, { message: 'an integer between 1 and 1000' })
  KAFKA_TOPIC_PARTITIONS = 12;

  @Type(() => Number)
  @IsInt({ message: 'an integer between 1 and 10' })
  @Min(1, { message: 'an integer between 1 and 10' })
  @Max(10, { message: 'an integer between 1 and 10' })
  KAFKA_REPLICATION_FACTOR = 1;

  @Type(() => Number)
  @IsInt({ message: 'milliseconds, an integer between 100 and 120000' })
  @Min(100, { message: 'milliseconds, an integer between 100 and 120000' })
  @Max(120000, { message: 'milliseconds, an integer between 100 and 120000' })
  KAFKA_ACK_TIMEOUT_MS = 10000;

  @Type(() => Number)
  @IsInt({ message: 'milliseconds, an integer between 6000 and 300000' })
  @Min(6000, { message: 'milliseconds, an integer between 6000 and 300000' })
  @Max(300000, { message: 'milliseconds, an integer between 6000 and 300000' })
  KAFKA_SESSION_TIMEOUT_MS = 30000;

  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, {
    message: 'a MongoDB connection string, e.g. mongodb://localhost:27017/',
  })
  MONGO_URL?: string;

  @Matches(/^[A-Za-z0-9_-]{1,60}$/, { message: 'a database name (letters, digits, _ or -)' })
  MONGO_DB = 'touchpoint';

  @IsOptional()
  @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/\S+$/, {
    message: 'an EventStoreDB/KurrentDB connection string, e.g. esdb://localhost:2113?tls=false',
  })
  EVENTSTORE_URL?: string;

  @Type(() => Number)
  @IsInt({ message: 'milliseconds, an integer between 100 and 120000' })
  @Min(100, { message: 'milliseconds, an integer between 100 and 120000' })
  @Max(120000, { message: 'milliseconds, an integer between 100 and 120000' })
  ENGINE_CONNECT_TIMEOUT_MS = 10000;
}
