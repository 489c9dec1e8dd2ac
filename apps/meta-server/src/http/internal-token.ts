/**
 * Injection token of `LINKER_INTERNAL_TOKEN` (`null` when unset): the processors' and connectors' credential for the
 * internal endpoints, checked as a `BearerToken` (without one configured, those endpoints do not exist: 404).
 */
export const INTERNAL_TOKEN = Symbol('INTERNAL_TOKEN');
