export * from './contactpreference.policy';
export * from './contactpreference.projection';
export * from './contactpreference.model';
