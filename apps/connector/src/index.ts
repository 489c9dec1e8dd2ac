// The connector's public surface: what another composition (the embedded mode) may use. Everything else is internal.
export { openConnector, type ConnectorAdapters } from './open-connector';
export type { Connector } from './connector';
export { clientPortConfig, connectorSettings, type ClientPortSettings, type ConnectorSettings } from './config/connector.config';
