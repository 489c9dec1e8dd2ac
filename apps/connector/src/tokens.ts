/** Injection tokens of the connector's composition root. */
export const CONNECTOR_CONFIG = Symbol('CONNECTOR_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
