/**
 * The client SDK's published declarations (`npm run build:sdk`). TypeScript emits them for the SDK's two entries and
 * for what they import from the monorepo's libs; the libs' files are copied under `vendor/` and the `@linker/…`
 * imports point there. A lib module whose declarations need another package (the schema library) is left out, and so
 * is every file the entries do not reach, so the published types need nothing but themselves. They are then compiled
 * on their own (no `skipLibCheck`), and any error fails the build.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

/** The monorepo libs the SDK imports, and where their declarations go in the package's `types/`. */
const VENDORED: Readonly<Record<string, string>> = { '@linker/contracts': 'vendor/contracts', '@linker/kernel': 'vendor/kernel' };
const ENTRIES = ['index.d.ts', 'node/index.d.ts'];
const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*)(['"])([^'"]+)\2/g;

/** Write the declarations into `outDir` (emptied first); returns how many files it wrote. */
export function writeSdkDeclarations(repo: string, outDir: string): number {
  const placed = rewriteImports(placeFiles(emitDeclarations(repo)));
  const files = reachable(withoutForeignModules(placed));
  rmSync(outDir, { recursive: true, force: true });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  checkAlone(outDir);
  return files.size;
}

/** Declarations of the SDK's entries and everything they import, by path under `libs/`. */
function emitDeclarations(repo: string): Map<string, string> {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(repo, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]),
    },
  );
  if (!parsed) throw new Error('cannot read tsconfig.json');
  const outDir = join(repo, 'libs');
  const options: ts.CompilerOptions = {
    ...parsed.options,
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    sourceMap: false,
    declarationMap: false,
    incremental: false,
    rootDir: outDir,
    outDir,
    types: ['node'],
  };
  const sdk = join(repo, 'libs', 'client-sdk', 'src');
  const program = ts.createProgram([join(sdk, 'index.ts'), join(sdk, 'node', 'index.ts')], options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) fail(diagnostics);
  const files = new Map<string, string>();
  program.emit(undefined, (fileName, text) => files.set(relative(outDir, fileName).split('\\').join('/'), text), undefined, true);
  return files;
}

/** `client-sdk/src/x.d.ts` → `x.d.ts`; `contracts/src/x.d.ts` → `vendor/contracts/x.d.ts`; any other lib is a mistake. */
function placeFiles(emitted: Map<string, string>): Map<string, string> {
  const placed = new Map<string, string>();
  for (const [path, text] of emitted) {
    const [lib, src, ...rest] = path.split('/');
    const home = lib === 'client-sdk' ? '' : VENDORED[`@linker/${lib}`];
    if (src !== 'src' || home === undefined) throw new Error(`the SDK's declarations reach ${path}: add its lib to VENDORED`);
    placed.set(posix.join(home, ...rest), text);
  }
  return placed;
}

/** `@linker/<lib>` → the relative path of its vendored copy. */
function rewriteImports(files: Map<string, string>): Map<string, string> {
  const rewritten = new Map<string, string>();
  for (const [path, text] of files) {
    const replaced = text.replace(SPECIFIER, (whole, head: string, quote: string, specifier: string) => {
      const home = VENDORED[specifier];
      if (home === undefined) return whole;
      const target = posix.relative(posix.dirname(path), posix.join(home, 'index'));
      return `${head}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
    });
    rewritten.set(path, replaced);
  }
  return rewritten;
}

/**
 * Leaves out each vendored module that imports another package, or a module left out, and the lines of the vendored
 * `index.d.ts` files that re-export one.
 */
function withoutForeignModules(files: Map<string, string>): Map<string, string> {
  const kept = new Map(files);
  const isIndex = (path: string) => path.startsWith('vendor/') && path.endsWith('/index.d.ts');
  let changed = true;
  while (changed) {
    changed = false;
    for (const [path, text] of kept) {
      if (!path.startsWith('vendor/') || isIndex(path)) continue;
      if (specifiers(text).some((s) => !s.startsWith('.') || !kept.has(resolveFrom(path, s)))) changed = kept.delete(path);
    }
  }
  for (const [path, text] of kept) {
    if (!isIndex(path)) continue;
    const lines = text.split('\n').filter((line) => specifiers(line).every((s) => kept.has(resolveFrom(path, s))));
    kept.set(path, lines.join('\n'));
  }
  return kept;
}

/** Only the files the entries reach through their imports. */
function reachable(files: Map<string, string>): Map<string, string> {
  const reached = new Map<string, string>();
  const pending = [...ENTRIES];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const text = files.get(path);
    if (text === undefined) throw new Error(`the published declarations need ${path}, which was left out`);
    if (reached.has(path)) continue;
    reached.set(path, text);
    pending.push(...specifiers(text).map((s) => resolveFrom(path, s)));
  }
  return reached;
}

/** Compile the written declarations alone: no other package, no `@types`, every check on. */
function checkAlone(outDir: string): void {
  const program = ts.createProgram(
    ENTRIES.map((entry) => join(outDir, entry)),
    {
      noEmit: true,
      strict: true,
      skipLibCheck: false,
      types: [],
      lib: ['lib.es2022.d.ts'],
      moduleResolution: ts.ModuleResolutionKind.Node10,
    },
  );
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) fail(diagnostics);
}

function specifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => match[3]);
}

/** The declaration file a relative specifier of `from` names (`./x` → `x.d.ts`; a bare one stays as it is). */
function resolveFrom(from: string, specifier: string): string {
  return specifier.startsWith('.') ? `${posix.join(posix.dirname(from), specifier)}.d.ts` : specifier;
}

function fail(diagnostics: readonly ts.Diagnostic[]): never {
  const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
  throw new Error(`the SDK's declarations do not compile:\n${ts.formatDiagnostics(diagnostics, host)}`);
}
