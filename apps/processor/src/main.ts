import { runService } from '@linker/lifecycle';
import { bootstrapProcessor } from './bootstrap';
import { processorConfig } from './config/processor.config';

void runService('processor', () => bootstrapProcessor(processorConfig.load(process.env)));
