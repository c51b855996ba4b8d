/** The application layer's only source of time; tests pass a fixed one. */
export type Clock = () => Date;
export const CLOCK = Symbol('Clock');
export const systemClock: Clock = () => new Date();
