import type { LogFields, Logger } from '@linker/observability';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

/**
 * A logger that keeps every line, for tests that check what was logged, how often, and that no secret was.
 * Children share the parent's `lines` and add their fields to each line.
 */
export class RecordingLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly base: LogFields = {},
  ) {}

  debug = (message: string, fields?: LogFields): void => this.push('debug', message, fields);
  info = (message: string, fields?: LogFields): void => this.push('info', message, fields);
  warn = (message: string, fields?: LogFields): void => this.push('warn', message, fields);
  error = (message: string, fields?: LogFields): void => this.push('error', message, fields);
  child = (fields: LogFields): Logger => new RecordingLogger(this.lines, { ...this.base, ...fields });

  /** Lines whose message contains `text` and whose fields include `fields`. */
  find(text: string, fields: LogFields = {}): LogLine[] {
    return this.lines.filter((l) => l.message.includes(text) && Object.entries(fields).every(([k, v]) => l.fields[k] === v));
  }

  /** How many lines of `level` have a message containing `text`. */
  count(level: LogLine['level'], text: string): number {
    return this.lines.filter((l) => l.level === level && l.message.includes(text)).length;
  }

  private push(level: LogLine['level'], message: string, fields?: LogFields): void {
    this.lines.push({ level, message, fields: { ...this.base, ...fields } });
  }
}
