export { MemoryLinkNetwork } from './memory-link-network';
