import { runService } from '@linker/lifecycle';
import { bootstrapMetaServer } from './bootstrap';
import { metaServerConfig } from './config/meta-server.config';

void runService('meta-server', () => bootstrapMetaServer(metaServerConfig.load(process.env)));
