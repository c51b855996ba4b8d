export * from './live-models';
export * from './model-registry';
export * from './projection-runner';
export * from './projector.module';
export * from './projector.service';
export * from './crosssell-rules';
export * from './model-catalog';
