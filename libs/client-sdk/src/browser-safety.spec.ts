import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The SDK runs in browsers: outside `src/node/` it may import only its own files, `@linker/contracts` and
 * `@linker/kernel` (both TypeBox/uuid only). This test reads the imports of every such file.
 */
const ROOT = __dirname;
const ALLOWED = /^(\.{1,2}\/|@linker\/(contracts|kernel)$)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('browser safety of @linker/client-sdk', () => {
  it('imports nothing Node-only outside src/node/', () => {
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      const bad = specifiers.filter((specifier) => !ALLOWED.test(specifier) || specifier.includes('/node'));
      const globals = /\b(process|Buffer|__dirname)\b/.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')) ? ['a Node global'] : [];
      return [...bad, ...globals].map((what) => `${relative(ROOT, file)}: ${what}`);
    });
    expect(offenders).toEqual([]);
  });
});
