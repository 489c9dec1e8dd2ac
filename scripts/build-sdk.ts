/**
 * `npm run build:sdk`: libs/client-sdk as the package `libs/client-sdk/package.json` describes, in libs/client-sdk/dist:
 *   esm/index.mjs, esm/node.mjs    ES modules (Node's `import`, bundlers)
 *   cjs/index.cjs, cjs/node.cjs    CommonJS (Node's `require`)
 *   browser/linker-client.min.js   one script for a `<script>` tag, the global `Linker`
 *   types/                         declarations (scripts/sdk-declarations.ts)
 * What the SDK takes from the monorepo (@linker/contracts, @linker/kernel) is bundled in; `ws` (the `./node` entry
 * only) stays an import. `npm pack` in libs/client-sdk then makes the tarball.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type LibraryOptions } from 'vite';
import { writeSdkDeclarations } from './sdk-declarations';

const REPO = join(__dirname, '..');
const SDK = join(REPO, 'libs', 'client-sdk');
const DIST = join(SDK, 'dist');

/**
 * The contracts and the kernel compute what they export (schemas, validators) and touch nothing else, so a module of
 * theirs the SDK does not use is left out of the bundle (the schema library with it).
 */
const NO_SIDE_EFFECTS = /[\\/]libs[\\/](contracts|kernel)[\\/]src[\\/]/;

/** One Vite library build into `dist/`, the monorepo's libs resolved from source and bundled in. */
function bundle(lib: LibraryOptions, options: { minify: boolean; external?: string[] }): ReturnType<typeof build> {
  return build({
    configFile: false,
    root: REPO,
    publicDir: false,
    logLevel: 'warn',
    resolve: {
      alias: {
        '@linker/contracts': join(REPO, 'libs', 'contracts', 'src', 'index.ts'),
        '@linker/kernel': join(REPO, 'libs', 'kernel', 'src', 'index.ts'),
      },
    },
    build: {
      outDir: DIST,
      emptyOutDir: false,
      target: 'es2022',
      minify: options.minify,
      sourcemap: true,
      lib,
      rollupOptions: { external: options.external, treeshake: { moduleSideEffects: (id) => !NO_SIDE_EFFECTS.test(id) } },
    },
  });
}

async function main(): Promise<void> {
  await rm(DIST, { recursive: true, force: true });
  // Both entries (`.` and `./node`) as ES modules and as CommonJS; `ws` stays an import of the Node entry.
  await bundle(
    {
      entry: { index: join(SDK, 'src', 'index.ts'), node: join(SDK, 'src', 'node', 'index.ts') },
      formats: ['es', 'cjs'],
      fileName: (format, name) => (format === 'es' ? `esm/${name}.mjs` : `cjs/${name}.cjs`),
    },
    { minify: false, external: ['ws'] },
  );
  // One minified script for browsers without a bundler: `<script src=".../linker-client.min.js">` defines `Linker`.
  await bundle(
    { entry: join(SDK, 'src', 'index.ts'), formats: ['iife'], name: 'Linker', fileName: () => 'browser/linker-client.min.js' },
    { minify: true },
  );
  const declarations = writeSdkDeclarations(REPO, join(DIST, 'types'));
  process.stderr.write(`built ${DIST} (${declarations} declaration files)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`build:sdk failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
