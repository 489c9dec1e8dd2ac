/** Injection tokens of the processor's composition root. */
export const PROCESSOR_CONFIG = Symbol('PROCESSOR_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
export const TOPOLOGY = Symbol('TOPOLOGY');
export const PROCESSOR = Symbol('PROCESSOR');
