// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
export * from './runtime.config';
export * from './ingest.config';
export * from './load-config';
export * from './projector.config';
export * from './archiver.config';
export * from './auth.config';
export * from './query.config';
