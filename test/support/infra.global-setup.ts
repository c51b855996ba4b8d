import { provisionInfra } from './infra';

type Holder = { __touchpointInfraStop?: () => Promise<void> };

/** Shared by the integration and e2e projects; the second call finds the URLs already set. */
export default async function globalSetup(): Promise<void> {
  const holder = globalThis as Holder;
  if (holder.__touchpointInfraStop) return;
  const infra = await provisionInfra(process.env);
  // Test workers are forked after global setup and inherit this environment.
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.MONGO_URL = infra.mongoUrl;
  if (infra.eventStoreUrl) process.env.EVENTSTORE_URL = infra.eventStoreUrl;
  process.env.TOUCHPOINT_INFRA_SOURCE = infra.source;
  holder.__touchpointInfraStop = () => infra.stop();
}
