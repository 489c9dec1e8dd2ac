import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// `npm ci` (the test command's and the Dockerfile's install) refuses a lock file that lacks an entry for any package
// some locked package depends on, optional platform binaries included (esbuild's, rollup's, … for every OS and CPU),
// even those it would not install on this machine; a lock file made where the registry did not serve all of them
// misses their entries. These checks catch such a lock file before `npm ci` on a clean clone does.

interface LockedPackage {
  name?: string;
  version?: string;
  license?: string;
  bin?: Record<string, string>;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  engines?: Record<string, string>;
}

const root = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as LockedPackage;
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
};

/** Where node would find `name` from the package at `from` (its own node_modules, then each enclosing one). */
function resolve(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

/** Every `from → name` that a locked package depends on (optional ones too) and the lock file has no entry for. */
function missingEntries(): string[] {
  return Object.entries(lock.packages).flatMap(([path, entry]) => {
    if (entry.link) return [];
    const names = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})];
    if (path === '') names.push(...Object.keys(entry.devDependencies ?? {}));
    return names.filter((name) => resolve(path, name) === undefined).map((name) => `${path || '(root)'} → ${name}`);
  });
}

describe('package-lock.json', () => {
  it('is a version 3 lock file whose root entry is package.json', () => {
    const top = lock.packages[''];
    expect(lock.lockfileVersion).toBe(3);
    // `npm install` rewrites the root entry whenever one of these differs from package.json.
    const fields = ['name', 'version', 'license', 'bin', 'dependencies', 'devDependencies', 'engines'] as const;
    const pick = (entry: LockedPackage) => Object.fromEntries(fields.map((field) => [field, entry[field]]));
    expect(pick(top)).toEqual(pick(manifest));
  });

  it("has an entry for every package a locked package depends on, every platform's optional binaries included", () => {
    expect(missingEntries()).toEqual([]);
  });

  it('pins every package it installs from the registry to a version and an integrity hash', () => {
    const unpinned = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.link && !(entry.version && entry.integrity))
      .map(([path]) => path);
    expect(unpinned).toEqual([]);
  });
});
