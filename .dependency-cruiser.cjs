/**
 * Import rules (ARCHITECTURE.md), checked by `npm run lint:imports` as part of `npm test`.
 * A violation fails the test command with the rule's name and the offending import. The script then cruises again for
 * the package level: scripts/package-cycles.ts fails on a cycle between the src/ and test/ parts of the apps and libs.
 */
const ADAPTER_PACKAGES = {
  kafkajs: '^libs/bus/(src|test)/kafka/',
  nats: '^libs/bus/(src|test)/nats/',
  // Tests that look into Redis for what must not be stored read it through libs/testing/src/redis-dump.ts.
  ioredis: '^(libs/(presence|analytics)/(src|test)/redis/|libs/testing/src/redis-dump\\.ts$)',
  // bench/ is a measuring tool outside the product: its raw client and its clean-up talk to ws and MongoDB directly.
  // The meta-server's topology history of real mode (ADR 0010) is its one MongoDB adapter: that file and its int spec.
  mongodb: '^(libs/mailbox/(src|test)/mongodb/|bench/|apps/meta-server/(src|test)/topology/mongo-topology-history(\\.int-spec)?\\.ts$)',
  'classic-level': '^(libs/mailbox/(src|test)/embedded/|libs/bus/(src|test)/embedded/)',
  ws: '^(libs/domain-link/(src|test)/ws/|apps/connector/(src|test)/socket/|libs/client-sdk/(src|test)/node/|bench/)',
};

module.exports = {
  forbidden: [
    {
      name: 'no-app-to-app',
      comment: 'An app never imports another app: what two apps share lives in a lib (apps/embedded excepted, below).',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/embedded/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'embedded-imports-only-entry-points',
      comment:
        'apps/embedded composes the three apps in one process (ADR 0006): it may import only their public entry points (src/index.ts).',
      severity: 'error',
      from: { path: '^apps/embedded/' },
      to: {
        path: '^apps/(connector|processor|meta-server)/',
        pathNot: '^apps/(connector|processor|meta-server)/src/index\\.ts$',
      },
    },
    {
      name: 'no-lib-to-app',
      comment: 'Libraries never import apps.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-production-to-test-code',
      comment:
        "A package's src/ (a spec beside its module included) imports no test code: neither @linker/testing nor any " +
        "package's test/ folder. Tests that need test code live in their package's test/ folder, so production and " +
        'test code never form a cycle (the package-level check of `npm run lint:imports` looks for one).',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: '^libs/testing/' },
      to: { path: ['^libs/testing/', '^(apps|libs)/[^/]+/test/'] },
    },
    {
      name: 'no-test-helpers-in-src',
      comment: "Test helpers live in their package's test/ folder (test/**/testing/), never under src/.",
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/(testing|.*/testing)/' },
      to: {},
    },
    {
      name: 'pure-libs-stay-pure',
      comment: 'kernel, contracts, config and routing do no I/O and know no framework or adapter.',
      severity: 'error',
      from: { path: '^libs/(kernel|contracts|config|routing)/' },
      to: {
        path: '(^libs/(bus|presence|mailbox|domain-link|observability)/|node_modules/(@nestjs|kafkajs|nats|ioredis|mongodb|ws|classic-level)/)',
      },
    },
    {
      name: 'pure-libs-use-no-node-io',
      comment: 'The pure libs import no Node core module (fs, net, http, ...) outside their tests: no I/O by construction.',
      severity: 'error',
      from: { path: '^libs/(kernel|contracts|config|routing)/', pathNot: ['\\.(int-|e2e-|chaos-)?spec\\.ts$', '^libs/[^/]+/test/'] },
      to: { dependencyTypes: ['core'] },
    },
    ...Object.entries(ADAPTER_PACKAGES).map(([pkg, allowed]) => ({
      name: `only-adapters-import-${pkg}`,
      comment: `${pkg} is imported only inside its adapter folder (${allowed}), so swapping it stays cheap.`,
      severity: 'error',
      from: { pathNot: [allowed, '^node_modules/'] },
      to: { path: `^node_modules/${pkg}/` },
    })),
    {
      name: 'no-circular',
      comment: 'No import cycles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo in a path alias is an error, not a silent pass).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|^ui/|^libs/client-sdk/dist/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
