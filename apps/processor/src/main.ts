import { READY_PATH } from '@linker/observability';
import { HEALTH_FLAG, localUrl, runHealthProbe, runService } from '@linker/lifecycle';
import { bootstrapProcessor } from './bootstrap';
import { processorConfig } from './config/processor.config';

if (process.argv.includes(HEALTH_FLAG)) {
  // The container's health check: GET /health/ready on the operations port (503 unless consuming and its services answer).
  const { metricsHost, metricsPort } = processorConfig.load(process.env);
  void runHealthProbe(
    metricsPort === undefined ? undefined : localUrl(metricsHost, metricsPort, READY_PATH),
    'processor: LINKER_METRICS_PORT is unset, so there is no GET /health/ready to ask',
  );
} else {
  void runService('processor', () => bootstrapProcessor(processorConfig.load(process.env)));
}
