// The import table of ARCHITECTURE.md, enforced by `npm run lint` (depcruise). A library may
// import only the libraries its row names; tests and the benchmark program may import anything.
/** Each library and the @touchpoint libraries it may import. */
const table = {
  core: [],
  ports: [],
  config: [],
  contracts: ['core'],
  projections: ['core', 'contracts'],
  scenarios: ['contracts'],
  adapters: ['core', 'ports'],
  platform: ['core', 'ports', 'config', 'contracts', 'adapters'],
  ingest: ['core', 'ports', 'config', 'contracts', 'platform'],
  'read-models': ['core', 'ports', 'contracts', 'projections', 'platform'],
  projector: ['core', 'ports', 'config', 'contracts', 'projections', 'platform', 'read-models'],
  archiver: [
    'core',
    'ports',
    'config',
    'contracts',
    'projections',
    'platform',
    'adapters',
    'read-models',
  ],
  query: [
    'core',
    'ports',
    'config',
    'contracts',
    'projections',
    'platform',
    'read-models',
    'archiver',
  ],
  console: [],
};
const libs = Object.keys(table);
const tests =
  '(\\.spec|\\.int-spec|\\.e2e-spec)\\.ts$|\\.fixtures\\.ts$|\\.reference\\.ts$|/reference/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between modules makes their load order and their tests fragile.',
      from: { path: '^(libs|apps)/', pathNot: tests },
      to: { circular: true },
    },
    ...libs.map((lib) => ({
      name: `table-${lib}`,
      severity: 'error',
      comment: `libs/${lib} may import only: ${table[lib].join(', ') || 'no other library'} (ARCHITECTURE.md).`,
      from: { path: `^libs/${lib}/`, pathNot: tests },
      to: {
        path: '^(libs|apps)/',
        pathNot: [`^libs/${lib}/`, ...table[lib].map((l) => `^libs/${l}/`)],
      },
    })),
    {
      name: 'libs-import-no-apps',
      severity: 'error',
      comment: 'Applications are leaves: no library imports one.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'console-app-types-only',
      severity: 'error',
      comment:
        'The browser console talks only to the agent API: it imports projections for types and nothing else of ours.',
      from: { path: '^apps/console/' },
      to: { path: '^(libs|apps)/', pathNot: ['^apps/console/', '^libs/projections/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
