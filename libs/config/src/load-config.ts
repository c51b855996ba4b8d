import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, type ValidationError, validateSync } from 'class-validator';

export type ConfigClass<T extends object = object> = new () => T;

/** A setting that is missing or malformed; `problems` holds one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export interface EngineRequirement {
  /** Variables that must be set for this process (e.g. a standalone app needs real engines). */
  readonly required: readonly string[];
  /** Appended to the message so the user knows the alternative. */
  readonly hint: string;
}

/**
 * Validates the environment once, at start-up, into typed settings objects. This is the only
 * place in the code base that reads environment variables; everything else is injected.
 */
export class LoadedConfig {
  private readonly sections = new Map<ConfigClass, object>();

  constructor(sections: Iterable<[ConfigClass, object]>) {
    for (const [cls, value] of sections) this.sections.set(cls, value);
  }

  get<T extends object>(cls: ConfigClass<T>): T {
    const section = this.sections.get(cls);
    if (!section) throw new Error(`configuration section ${cls.name} was not loaded by this app`);
    return section as T;
  }

  entries(): [ConfigClass, object][] {
    return [...this.sections.entries()];
  }
}

export function loadConfig(
  classes: readonly ConfigClass[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  requirement?: EngineRequirement,
): LoadedConfig {
  const problems: string[] = [];
  const loaded: [ConfigClass, object][] = [];
  for (const cls of classes) {
    const defaults = new cls() as Record<string, unknown>;
    const raw: Record<string, unknown> = {};
    for (const key of Object.keys(defaults)) {
      const value = env[key];
      // An empty value means "unset": shells and compose files often export VAR= for defaults.
      raw[key] = value === undefined || value === '' ? defaults[key] : value;
    }
    // Optional settings without defaults are not own properties of a fresh instance; pick them
    // up from the validation metadata so that, e.g., KAFKA_BROKERS is still read.
    for (const key of declaredKeys(cls)) {
      if (!(key in raw) && env[key] !== undefined && env[key] !== '') raw[key] = env[key];
    }
    const instance = plainToInstance(cls, raw);
    const errors = validateSync(instance, { forbidUnknownValues: false });
    problems.push(...errors.map((e) => describe(e, raw)));
    loaded.push([cls, instance]);
  }
  if (requirement) {
    for (const key of requirement.required) {
      if (env[key] === undefined || env[key] === '') {
        problems.push(`${key} is not set: ${requirement.hint}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new LoadedConfig(loaded);
}

function declaredKeys(cls: ConfigClass): string[] {
  // class-validator already knows every decorated key; a second hand-kept list would drift.
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

function describe(error: ValidationError, raw: Record<string, unknown>): string {
  const expected = Object.values(error.constraints ?? {})[0] ?? 'a valid value';
  return `${error.property}: expected ${expected}, got ${JSON.stringify(raw[error.property])}`;
}
