export * from './console-assets';
export * from './console.middleware';
export * from './console.module';
