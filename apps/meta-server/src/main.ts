import { ResourceStack, runService } from '@linker/lifecycle';
import { createLogger } from '@linker/observability';
import { bootstrapMetaServer } from './bootstrap';
import { metaServerConfig } from './config/meta-server.config';
import { healthReports, startUiServer, uiInfo } from './ui/ui-server';

// Real mode: the meta-server's API and, with LINKER_UI_PORT, the web UI in front of it (ADR 0011).
void runService('meta-server', async () => {
  const config = metaServerConfig.load(process.env);
  const resources = new ResourceStack();
  const meta = await resources.open(() => bootstrapMetaServer(config));
  const { uiPort } = config;
  if (uiPort !== undefined) {
    const logger = createLogger('meta-server', config.logLevel);
    await resources.open(() =>
      startUiServer({
        host: config.host,
        port: uiPort,
        metaServerUrl: meta.url,
        links: healthReports(config.uiProcessorHealthUrls ?? [], logger),
        info: () => uiInfo(meta.topology.current().masked, { metaServer: true }),
        logger,
      }),
    );
  }
  return resources;
});
