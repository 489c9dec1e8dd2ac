import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCentrifugo, centrifugoCacheDir } from './centrifugo-build';

/**
 * The build path without compiling anything: a stub `go` first on PATH records its arguments and GOBIN, then
 * either writes a fake binary there or fails like a broken build.
 */
describe('building Centrifugo into the cache', () => {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'centrifugo-build-'));
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  function stubGo(body: string): void {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'go'), `#!/bin/sh\necho "$@ GOBIN=$GOBIN" > "${join(dir, 'go-args')}"\n${body}\n`);
    chmodSync(join(bin, 'go'), 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
  }

  it('runs the one go install command into a scratch GOBIN and moves the binary into the cache', async () => {
    stubGo('printf "#!/bin/sh\\n" > "$GOBIN/centrifugo"');
    const cache = join(dir, 'cache', 'v6.9.1');
    const lines: string[] = [];
    const path = await buildCentrifugo(cache, (line) => lines.push(line));
    expect(path).toBe(join(cache, 'centrifugo'));
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(join(dir, 'go-args'), 'utf8')).toMatch(
      /^install github\.com\/centrifugal\/centrifugo\/v6@v6\.9\.1 GOBIN=.*\/v6\.9\.1\.partial-\d+\n$/,
    );
    expect(readdirSync(join(dir, 'cache'))).toEqual(['v6.9.1']); // the scratch GOBIN is gone
    expect(lines[0]).toMatch(/building it with `GOBIN=… go install github\.com\/centrifugal\/centrifugo\/v6@v6\.9\.1`/);
    expect(lines[lines.length - 1]).toMatch(/^built Centrifugo v6\.9\.1 in \d+ s/);
  });

  it('fails with the end of the output of a failed build, and leaves no binary behind', async () => {
    stubGo('echo "go: github.com/centrifugal/centrifugo/v6@v6.9.1: proxy unreachable" >&2; exit 1');
    const cache = join(dir, 'cache', 'v6.9.1');
    await expect(buildCentrifugo(cache, () => undefined)).rejects.toThrow(/go install .* failed \(exit 1\): go: .* proxy unreachable/);
    expect(readdirSync(join(dir, 'cache'))).toEqual([]); // neither a binary nor the scratch GOBIN
  });

  it('caches under ~/.cache, or $XDG_CACHE_HOME when set', () => {
    expect(centrifugoCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/linker-ts/centrifugo/v6.9.1');
    expect(centrifugoCacheDir({})).toMatch(/\/\.cache\/linker-ts\/centrifugo\/v6\.9\.1$/);
  });
});
