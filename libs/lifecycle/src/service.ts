import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { Closable } from './run-service';

/** Something started and stopped explicitly (a processor, a connector): `start` once, then `stop` once. */
export interface Service {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How a Nest module runs the service its provider `token` gives: started once the whole application is up
 * (`onApplicationBootstrap`), stopped when it shuts down (`beforeApplicationShutdown`), before the resources marked
 * `closeOnShutdown` close (`onApplicationShutdown`). Nest composes; the service runs on its own.
 */
export function runningService(token: InjectionToken): FactoryProvider {
  return {
    provide: Symbol(`running ${String(token)}`),
    inject: [token],
    useFactory: (service: Service) => ({ onApplicationBootstrap: () => service.start(), beforeApplicationShutdown: () => service.stop() }),
  };
}

/** Start `service`; closing the result stops it (for a `ResourceStack`, which stops services in reverse order). */
export async function started(service: Service): Promise<Closable> {
  await service.start();
  return { close: () => service.stop() };
}
