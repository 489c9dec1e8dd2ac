// The embedded mode's public surface: one whole domain in this process, opened on the in-memory twins.
export { openEmbeddedDomain, type EmbeddedDomain } from './embedded-domain';
export { parseFlags, USAGE, type EmbeddedOptions } from './flags';
