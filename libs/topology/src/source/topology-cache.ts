import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage } from '@linker/kernel';
import type { Topology } from '../topology';
import { validateTopology } from '../validate/validate-topology';

/** The last good topology a process saw, kept on disk so it can start while the meta-server is down (docs/protocol.md, Hot reload). */
export interface CachedTopology {
  version: string;
  savedAt: string;
  topology: Topology;
}

/** Write the cache atomically (a reader never sees half a file). The topology is the served, masked one. */
export async function writeTopologyCache(file: string, version: string, topology: Topology): Promise<void> {
  const cached: CachedTopology = { version, savedAt: new Date().toISOString(), topology };
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(cached, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** The cached topology, or why there is none usable (missing, unreadable, or no longer valid). */
export async function readTopologyCache(file: string): Promise<CachedTopology | { problem: string }> {
  let value: Partial<CachedTopology>;
  try {
    value = JSON.parse(await readFile(file, 'utf8')) as Partial<CachedTopology>;
  } catch (error) {
    return { problem: `cannot read the cache file ${file}: ${errorMessage(error)}` };
  }
  const { topology, problems } = validateTopology(value.topology);
  if (!topology || typeof value.version !== 'string') {
    return { problem: `the cache file ${file} holds no valid topology (${problems.length} problem(s))` };
  }
  return { version: value.version, savedAt: String(value.savedAt), topology };
}
