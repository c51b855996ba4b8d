export const QUERY_CLOCK = Symbol('QueryClock');
export const MODEL_POLICIES = Symbol('ModelPolicies');
export const JWT_VERIFIER = Symbol('JwtVerifier');

/** The query side's clock: time-dependent figures are evaluated at `now` unless asOf says otherwise. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
