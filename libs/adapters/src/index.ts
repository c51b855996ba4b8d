export * from './embedded-event-log.adapter';
export * from './kafka-event-log.adapter';
export * from './embedded-read-model.adapter';
export * from './mongo-read-model.adapter';
export * from './embedded-event-store.adapter';
export * from './eventstoredb-event-store.adapter';
export * from './partitioner';
export * from './with-timeout';
