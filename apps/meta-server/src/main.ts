import { runService } from '@linker/lifecycle';
import { openMetaServer } from './bootstrap';
import { metaServerConfig } from './config/meta-server.config';

// Real mode: the meta-server's API and, with LINKER_UI_PORT, the web UI in front of it.
void runService('meta-server', () => openMetaServer(metaServerConfig.load(process.env)));
