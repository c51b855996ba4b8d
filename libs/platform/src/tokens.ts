export const LOGGER = Symbol('Logger');
export const ENGINES = Symbol('Engines');
export const APP_NAME = Symbol('AppName');
export const ENGINES_USED = Symbol('EnginesUsed');
