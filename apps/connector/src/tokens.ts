/** Injection tokens of the connector's composition root. */
export const CONNECTOR_CONFIG = Symbol('CONNECTOR_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
export const CONNECTOR = Symbol('CONNECTOR');
/** The followed topology, or null when `LINKER_META_SERVER_URL` is unset. */
export const TOPOLOGY = Symbol('TOPOLOGY');
