import { setting } from '@linker/config';

/** Every app's log level. */
export const loggingSettings = {
  logLevel: setting({
    env: 'LINKER_LOG_LEVEL',
    kind: 'string',
    default: 'info',
    oneOf: ['debug', 'info', 'warn', 'error', 'silent'],
    doc: 'Log level (JSON lines on stdout).',
  }),
};
