export * from './agent-api.module';
export * from './auth/jwt';
export * from './auth/jwt-secret';
export * from './domain/masking';
export * from './domain/next-best-action';
export * from './domain/query-params';
export * from './read/freshness';
export * from './audit/audit.service';
