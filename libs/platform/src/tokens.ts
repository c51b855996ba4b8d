export const LOGGER = Symbol('Logger');
export const ENGINES = Symbol('Engines');
export const APP_NAME = Symbol('AppName');
export const ENGINES_USED = Symbol('EnginesUsed');
/** The process's `StartupGate`, or null when nothing is rebuilt before the port opens. */
export const STARTUP_GATE = Symbol('StartupGate');
