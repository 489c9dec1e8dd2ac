// The meta-server's public surface: what another composition (the embedded mode) may use. Everything else is internal.
export { openMetaServer, type MetaServerHandle, type MetaServerOptions } from './bootstrap';
export type { TopologyInput } from './topology/load-topology';
// The web UI's server, which the embedded mode starts for its own domain.
export { httpBaseOf, localProcessor, startUiServer, uiInfo, type UiServer } from './ui/ui-server';
