import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Where `npm run services:up` (scripts/services/up.sh and lib.sh) installs Kafka and FerretDB: the private instances
// run the same builds. The versions are read from the files up.sh reads them from, so the two cannot drift apart.

const SERVICES_SCRIPTS = join(__dirname, '..', '..', '..', '..', 'scripts', 'services');
const HOW_TO_INSTALL = 'run `npm run services:up` once: it installs it';

function cacheDir(): string {
  return process.env.LINKER_CACHE_DIR || join(homedir(), '.cache', 'linker-ts');
}

function extract(file: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(readFileSync(join(SERVICES_SCRIPTS, file), 'utf8'))?.[1];
  if (!found) throw new Error(`cannot read ${what} from scripts/services/${file}`);
  return found;
}

function mustExist(path: string, what: string, mode = constants.R_OK): string {
  try {
    accessSync(path, mode);
  } catch {
    throw new Error(`${what} is not at ${path}: ${HOW_TO_INSTALL}`);
  }
  return path;
}

/** The directory of Kafka's jars (`<cache>/kafka-<version>/lib`, the version of scripts/services/kafka/pom.xml). */
export function kafkaLibDir(): string {
  const version = extract('kafka/pom.xml', /<kafka\.version>([^<]+)<\/kafka\.version>/, '<kafka.version>');
  return mustExist(join(cacheDir(), `kafka-${version}`, 'lib'), `Kafka ${version}`);
}

/** The `java` that runs Kafka: `$JAVA_HOME/bin/java`, else the one on PATH (as up.sh does). */
export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** The FerretDB binary up.sh builds (`<cache>/ferretdb-<version>/bin/ferretdb`, `LINKER_FERRETDB_VERSION` as there). */
export function ferretDbBinary(): string {
  const version =
    process.env.LINKER_FERRETDB_VERSION ||
    extract('up.sh', /FERRETDB_VERSION="\$\{LINKER_FERRETDB_VERSION:-([^}]+)\}"/, 'the FerretDB version');
  return mustExist(join(cacheDir(), `ferretdb-${version}`, 'bin', 'ferretdb'), `FerretDB ${version}`, constants.X_OK);
}
