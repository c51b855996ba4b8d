export * from './event-log.port';
export * from './read-model-store.port';
export * from './event-store.port';
