export * from './projection.types';
export * from './model.types';
export * from './event-handlers';
export * from './horizon';
export * from './customer360';
export * from './loyalty';
export * from './crosssell';
export * from './contactpreference';
export { formatMinorUnits } from './money';
