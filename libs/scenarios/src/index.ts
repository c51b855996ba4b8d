export * from './story-events';
export * from './stories';
export * from './demo-plan';
