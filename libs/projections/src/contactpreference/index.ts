export * from './contactpreference.policy';
export * from './contactpreference.projection';
