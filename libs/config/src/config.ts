import { LinkerError } from '@linker/kernel';

type Kind = 'string' | 'integer' | 'port' | 'boolean' | 'list' | 'url';

interface KindValue {
  string: string;
  integer: number;
  port: number;
  boolean: boolean;
  list: string[];
  url: string;
}

/** One setting: where it comes from, what it must look like, and what it is for (shown in the README table). */
export interface Setting<K extends Kind = Kind, O extends string = string> {
  env: string;
  kind: K;
  doc: string;
  /** Used when the variable is unset or empty. A setting with no default and not `optional` is required. */
  default?: KindValue[K];
  optional?: boolean;
  /** Allowed values (string settings); the setting's type is then their union. */
  oneOf?: readonly O[];
  /** Inclusive bounds (integer settings). */
  min?: number;
  max?: number;
  /** Never printed: shown as `***` in `describe()` defaults and in error messages. */
  secret?: boolean;
}

type Settings = Record<string, Setting<Kind, string>>;

/** The value type of one setting: the union of `oneOf` when given, else its kind's type. */
type ValueOf<S extends Setting<Kind, string>> = S['oneOf'] extends readonly (infer O)[]
  ? string extends O
    ? KindValue[S['kind']]
    : O
  : KindValue[S['kind']];

/** The typed value of a declaration: optional settings without a default may be undefined. */
export type ConfigOf<S extends Settings> = {
  readonly [P in keyof S]: undefined extends S[P]['default']
    ? S[P]['optional'] extends true
      ? ValueOf<S[P]> | undefined
      : ValueOf<S[P]>
    : ValueOf<S[P]>;
};

/** Why a configuration cannot be used (the `code` of `ConfigError`, and of the checks of settings the libs make). */
export type ConfigErrorCode =
  /** A setting is missing, malformed, out of range, or does not fit with another; not retriable (fix it and start again). */
  'INVALID_CONFIG';

/** Every problem of one load, each naming its variable. */
export class ConfigError extends LinkerError<ConfigErrorCode> {
  constructor(readonly problems: readonly string[]) {
    super(
      'INVALID_CONFIG',
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    );
  }
}

export interface ConfigRow {
  env: string;
  kind: Kind;
  default: string;
  doc: string;
}

export interface ConfigDeclaration<S extends Settings> {
  readonly settings: S;
  /** Read, check and freeze. Throws `ConfigError` listing every problem. */
  load(env: Readonly<Record<string, string | undefined>>): ConfigOf<S>;
  /** One row per setting, for documentation. */
  describe(): ConfigRow[];
}

/** Declare a configuration. `setting()` helps TypeScript keep each setting's kind. */
export function defineConfig<S extends Settings>(settings: S): ConfigDeclaration<S> {
  return {
    settings,
    load: (env) => load(settings, env),
    describe: () =>
      Object.values(settings).map((s) => ({
        env: s.env,
        kind: s.kind,
        default: s.default === undefined ? (s.optional ? '(unset)' : '(required)') : s.secret ? '***' : show(s.default),
        doc: s.oneOf ? `${s.doc} One of: ${s.oneOf.join(', ')}.` : s.doc,
      })),
  };
}

/** Identity that keeps the declaration's literal type (kind, `oneOf`, `optional`), so `ConfigOf` can type the value. */
export function setting<const D extends Setting<Kind, string>>(declaration: D & Setting<D['kind'], string>): D {
  return declaration;
}

function load<S extends Settings>(settings: S, env: Readonly<Record<string, string | undefined>>): ConfigOf<S> {
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings)) {
    const raw = env[s.env]?.trim();
    if (raw === undefined || raw === '') {
      if (s.default !== undefined) result[name] = s.default;
      else if (!s.optional) problems.push(`${s.env} is required: ${s.doc}`);
      continue;
    }
    const parsed = parse(s, raw);
    if (typeof parsed === 'object' && parsed !== null && 'problem' in parsed) problems.push(parsed.problem);
    else result[name] = parsed;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result) as ConfigOf<S>;
}

function parse(s: Setting<Kind>, raw: string): KindValue[Kind] | { problem: string } {
  const shown = s.secret ? '***' : JSON.stringify(raw);
  const fail = (expected: string) => ({ problem: `${s.env} must be ${expected}, got ${shown}` });
  switch (s.kind) {
    case 'string':
      return s.oneOf && !s.oneOf.includes(raw) ? fail(`one of ${s.oneOf.join(', ')}`) : raw;
    case 'integer':
    case 'port': {
      const [min, max] = s.kind === 'port' ? [0, 65535] : [s.min ?? -Infinity, s.max ?? Infinity];
      const value = Number(raw);
      const ok = /^-?\d+$/.test(raw) && value >= min && value <= max;
      return ok ? value : fail(s.kind === 'port' ? 'a port number (0-65535)' : `an integer in [${min}, ${max}]`);
    }
    case 'boolean':
      return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : fail('true or false');
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'url':
      return URL.canParse(raw) ? raw : fail('a URL');
  }
}

function show(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * The results of `checks`, each run even when another threw: their `ConfigError`s become one listing every problem
 * (any other error is thrown as is). For the checks across settings that run after `load`.
 */
export function checkAll<T extends unknown[]>(...checks: { [K in keyof T]: () => T[K] }): T {
  const problems: string[] = [];
  const results = checks.map((check) => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return results as T;
}
