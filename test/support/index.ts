export * from './helpers';
export * from './event-log.contract';
export * from './read-model-store.contract';
export * from './event-store.contract';
export * from './ingest-client';
export * from './workload';
export * from './model-oracle';
