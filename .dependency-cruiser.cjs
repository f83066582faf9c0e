// Import boundaries of src/ (issue 17), checked by `npm run lint:deps` and test/architecture.test.ts:
// one store contract with two mirrored engines behind it, no import running upward, no cycles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'store-entry-points',
      comment:
        'Outside src/store, only the contract (types and snippet markers) and open.ts (picks and loads an engine) are imported; engines and store/shared stay private to the store.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/' },
      to: { path: '^src/store/', pathNot: '^src/store/(contract|open)\\.ts$' },
    },
    {
      name: 'shared-is-engine-free',
      comment: 'store/shared is used by both engines: it imports neither engine nor any database driver.',
      severity: 'error',
      from: { path: '^src/store/shared/' },
      to: {
        path: [
          '^src/store/(sqlite|postgres)/',
          '^src/store/open\\.ts$',
          '(^|/)node_modules/(better-sqlite3|pg|pg-cursor|pg-pool|sanitize-html)/',
        ],
      },
    },
    {
      name: 'contract-is-engine-free',
      comment: 'The contract owns its types: it imports only the domain model and other modules that load no engine or driver.',
      severity: 'error',
      from: { path: '^src/store/contract\\.ts$' },
      to: { path: ['^src/store/(sqlite|postgres|shared)/', '^src/store/open\\.ts$', '(^|/)node_modules/'] },
    },
    {
      name: 'sqlite-not-postgres',
      comment: 'The SQLite engine does not import the PostgreSQL engine or its drivers.',
      severity: 'error',
      from: { path: '^src/store/sqlite/' },
      to: { path: ['^src/store/postgres/', '^src/store/open\\.ts$', '(^|/)node_modules/(pg|pg-cursor|pg-pool)/'] },
    },
    {
      name: 'postgres-not-sqlite',
      comment: 'The PostgreSQL engine does not import the SQLite engine, better-sqlite3 or sanitize-html.',
      severity: 'error',
      from: { path: '^src/store/postgres/' },
      to: { path: ['^src/store/sqlite/', '^src/store/open\\.ts$', '(^|/)node_modules/(better-sqlite3|sanitize-html)/'] },
    },
    {
      name: 'output-not-commands',
      comment: 'output/ prints what commands return (src/results.ts); it never imports a command.',
      severity: 'error',
      from: { path: '^src/output/' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'Every module is reachable from another one (entry points and worker scripts excepted).',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '^src/cli\\.ts$', '^src/crawl/parse-worker\\.ts$', '^src/classify/train-worker\\.ts$'],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
  },
};
