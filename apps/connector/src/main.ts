import { errorMessage } from '@linker/kernel';
import { runService } from '@linker/lifecycle';
import { bootstrapConnector } from './bootstrap';
import { connectorConfig, type ConnectorConfig } from './config/connector.config';

let config: ConnectorConfig;
try {
  config = connectorConfig.load(process.env);
} catch (error) {
  process.stderr.write(`connector failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
}
// The drain closes every socket (each may wait up to the close timeout) and leaves the lane groups.
void runService('connector', () => bootstrapConnector(config), { drainTimeoutMs: config.closeTimeoutMs + 10_000 });
