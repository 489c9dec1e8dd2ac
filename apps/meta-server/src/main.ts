import { READY_PATH } from '@linker/observability';
import { HEALTH_FLAG, localUrl, runHealthProbe, runService } from '@linker/lifecycle';
import { openMetaServer } from './bootstrap';
import { metaServerConfig } from './config/meta-server.config';

if (process.argv.includes(HEALTH_FLAG)) {
  // The container's health check: GET /health/ready of the API (its topology store answers).
  const { host, port } = metaServerConfig.load(process.env);
  void runHealthProbe(localUrl(host, port, READY_PATH));
} else {
  // Real mode: the meta-server's API and, with LINKER_UI_PORT, the web UI in front of it.
  void runService('meta-server', () => openMetaServer(metaServerConfig.load(process.env)));
}
