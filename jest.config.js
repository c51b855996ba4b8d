// Four tiers chosen by file suffix; `npm test` runs all of them.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const moduleNameMapper = {
  '^@touchpoint/testing$': '<rootDir>/test/support',
  '^@touchpoint/(.*)$': '<rootDir>/libs/$1/src',
};

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  // Integration and e2e tests wait on real engines (consumer-group joins take seconds).
  testTimeout: 60000,
  // Two workers even on a two-core machine: the engine-bound tests mostly wait on I/O.
  maxWorkers: 2,
  // Safety net: a leaked client timer must not keep a finished run (and CI) waiting forever.
  // Jest still prints a warning when it has to force the exit, so leaks stay visible.
  forceExit: true,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/infra.global-setup.ts',
      globalTeardown: '<rootDir>/test/support/infra.global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/infra.global-setup.ts',
      globalTeardown: '<rootDir>/test/support/infra.global-teardown.ts',
    },
    {
      // Faults injected into the built apps on real engines (FAULTS.md). The short form runs
      // here; TOUCHPOINT_FAULTS=full runs the lengths FAULTS.md reports.
      ...common,
      displayName: 'fault',
      testMatch: ['<rootDir>/test/**/*.fault-spec.ts'],
      globalSetup: '<rootDir>/test/support/infra.global-setup.ts',
      globalTeardown: '<rootDir>/test/support/infra.global-teardown.ts',
    },
  ],
};
