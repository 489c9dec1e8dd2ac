import { runService } from '@linker/lifecycle';
import { bootstrapConnector } from './bootstrap';
import { connectorConfig } from './config/connector.config';

void runService('connector', () => bootstrapConnector(connectorConfig.load(process.env)));
