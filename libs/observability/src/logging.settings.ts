import { setting } from '@linker/config';

/** Every app's log level and format. */
export const loggingSettings = {
  logLevel: setting({
    env: 'LINKER_LOG_LEVEL',
    kind: 'string',
    default: 'info',
    oneOf: ['debug', 'info', 'warn', 'error', 'silent'],
    doc: 'Log level (lines on stdout; `LINKER_LOG_FORMAT` says how they look).',
  }),
  logFormat: setting({
    env: 'LINKER_LOG_FORMAT',
    kind: 'string',
    default: 'auto',
    oneOf: ['auto', 'json', 'pretty'],
    doc: 'How log lines look: `json`, one JSON object a line (for log collectors); `pretty`, one readable line an event (time, level, component, message, fields); `auto`, pretty when stdout is a terminal, JSON otherwise. Secret fields (tokens, keys, passwords) are written as `***` in both.',
  }),
};
