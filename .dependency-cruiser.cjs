/**
 * The borders between the parts of app/ (docs/architecture.md):
 * - app/platform holds what every part uses and imports no domain or flow;
 * - a domain (app/<name>/) or a flow group (app/flows/<name>/) is entered
 *   only through its surface, index.server.ts (server) or index.ts (code the
 *   browser needs too);
 * - a table belongs to the domain whose schema.ts declares it: no other part
 *   imports that schema;
 * - no cycles between parts.
 * Tests may reach inside a part (they arrange rows and call internals).
 */
const UNIT = '(?:flows/[^/]+|(?!platform/|routes/|components/|styles/|flows/)[^/]+)'
const INSIDE = `^app/${UNIT}/(?!index(?:\\.server)?\\.tsx?$)`
const TESTS = '\\.test\\.tsx?$|^tests/|/__fixtures__/'

module.exports = {
  forbidden: [
    {
      name: 'surface-only',
      comment:
        'Another domain or flow is imported only through its index.server.ts (or index.ts for browser-safe code), never a file inside it.',
      severity: 'error',
      from: { path: '^(app/(?:flows/[^/]+|[^/]+)|server|scripts|bench)/', pathNot: TESTS },
      // Another part's schema is covered by schema-stays-home below.
      to: { path: INSIDE, pathNot: ['^$1/', '/schema\\.ts$'] },
    },
    {
      name: 'surface-only-from-app-root',
      // root.tsx, the entries and startup.server.ts
      comment: 'root.tsx, entry files and startup enter domains through their surfaces too.',
      severity: 'error',
      from: { path: '^app/[^/]+\\.tsx?$', pathNot: TESTS },
      to: { path: INSIDE, pathNot: '/schema\\.ts$' },
    },
    {
      name: 'schema-stays-home',
      comment: "A domain's tables are read and written by that domain alone: its schema.ts is imported only inside it.",
      severity: 'error',
      // A schema may name another part's table in a foreign key: the relation is real in the database.
      from: { path: '^(app/(?:platform/[^/]+|flows/[^/]+|[^/]+))/', pathNot: [TESTS, '/schema\\.ts$'] },
      to: { path: '/schema\\.ts$', pathNot: '^$1/' },
    },
    {
      name: 'routes-never-import-a-schema',
      severity: 'error',
      from: { path: '^app/routes/' },
      to: { path: '/schema\\.ts$' },
    },
    {
      name: 'platform-below-domains',
      comment: 'app/platform holds no domain logic and imports no domain, flow, route or component.',
      severity: 'error',
      from: { path: '^app/platform/', pathNot: TESTS },
      to: { path: '^app/', pathNot: ['^app/platform/', '/schema\\.ts$'] },
    },
    {
      name: 'domains-below-flows',
      comment: 'Flows combine domains; a domain never calls a flow.',
      severity: 'error',
      from: { path: `^app/(?!flows/|routes/|components/)[^/]+/`, pathNot: TESTS },
      to: { path: '^app/flows/' },
    },
    {
      name: 'no-cycle-between-parts',
      comment: 'Two parts of app/ never depend on each other, directly or through others.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^app/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      from: { path: '^(app|server)/', pathNot: TESTS },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may reach inside a part; they are left out of the graph.
    exclude: { path: ['^(build|data|cms|public|node_modules)/', TESTS] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
}
