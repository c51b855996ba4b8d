export * from './projection.types';
