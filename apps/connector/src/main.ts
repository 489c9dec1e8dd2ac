import { READY_PATH } from '@linker/observability';
import { errorMessage } from '@linker/kernel';
import { HEALTH_FLAG, localUrl, runHealthProbe, runService } from '@linker/lifecycle';
import { bootstrapConnector } from './bootstrap';
import { connectorConfig, type ConnectorConfig } from './config/connector.config';

let config: ConnectorConfig;
try {
  config = connectorConfig.load(process.env);
} catch (error) {
  process.stderr.write(`connector failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
}
if (process.argv.includes(HEALTH_FLAG)) {
  // The container's health check: GET /health/ready on the client port (200 only while serving and its services answer).
  void runHealthProbe(localUrl(config.wsHost, config.wsPort, READY_PATH));
} else {
  // The drain closes every socket (each may wait up to the close timeout) and leaves the lane groups.
  void runService('connector', () => bootstrapConnector(config), { drainTimeoutMs: config.closeTimeoutMs + 10_000 });
}
