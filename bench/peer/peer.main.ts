import 'reflect-metadata';
import { Controller, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  EventPattern,
  KafkaContext,
  type MicroserviceOptions,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { type Db, MongoClient } from 'mongodb';
import { validateRecordedEvent } from '@touchpoint/contracts';
import {
  DEFAULT_CROSSSELL_POLICY,
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_LOYALTY_POLICY,
  type Projection,
  crosssellProjection,
  customer360Projection,
  loyaltyProjection,
} from '@touchpoint/projections';

/**
 * B7's peer: the same three models written the way a typical NestJS service would — the
 * @nestjs/microservices Kafka transport, one handler call per message, and per model per event
 * one read and one upsert. It folds with the same pure projections, so only the shell differs.
 * Run by the bench as its own process; configured by the environment it is given.
 */
const env = process.env;
const TOPIC = env.PEER_TOPIC ?? 'touchpoint.events';
const DB = Symbol('Db');

const MODELS: [string, Projection<unknown, unknown, unknown>, unknown][] = [
  ['customer360', customer360Projection, DEFAULT_CUSTOMER360_POLICY],
  ['loyalty', loyaltyProjection, DEFAULT_LOYALTY_POLICY],
  ['crosssell', crosssellProjection, DEFAULT_CROSSSELL_POLICY],
];

@Controller()
class PeerController {
  constructor(@Inject(DB) private readonly db: Db) {}

  @EventPattern(TOPIC)
  async handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    const verdict = validateRecordedEvent(payload);
    if (!verdict.ok) return;
    const event = verdict.event;
    const position = { partition: context.getPartition(), offset: context.getMessage().offset };
    for (const [model, projection, policy] of MODELS) {
      const collection = this.db.collection<{ _id: string; state: string }>(`${model}_peer`);
      for (const key of projection.keys(event)) {
        const doc = await collection.findOne({ _id: key });
        const state = doc ? (JSON.parse(doc.state) as unknown) : projection.initial(key);
        const next = projection.evolve(state, { event, position }, key, policy);
        await collection.updateOne(
          { _id: key },
          { $set: { state: JSON.stringify(next) } },
          { upsert: true },
        );
      }
    }
  }
}

class MongoHolder implements OnApplicationShutdown {
  constructor(readonly client: MongoClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

async function main(): Promise<void> {
  const client = new MongoClient(env.PEER_MONGO_URL ?? 'mongodb://localhost:27017/');
  await client.connect();
  @Module({
    controllers: [PeerController],
    providers: [
      { provide: DB, useValue: client.db(env.PEER_DB ?? 'peer') },
      { provide: MongoHolder, useValue: new MongoHolder(client) },
    ],
  })
  class PeerModule {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(PeerModule, {
    logger: ['error', 'warn'],
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: { clientId: 'touchpoint-bench-peer', brokers: (env.PEER_BROKERS ?? '').split(',') },
      consumer: { groupId: env.PEER_GROUP ?? 'peer', maxBytesPerPartition: 4 * 1024 * 1024 },
      subscribe: { fromBeginning: true },
    },
  });
  app.enableShutdownHooks();
  await app.listen();
}

void main();
