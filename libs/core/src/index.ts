export * from './errors';
export * from './logger';
export * from './fold-queue';
export * from './state-cache';
