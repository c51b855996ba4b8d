export const APP_CONTEXT = Symbol('AppContext');
export const MODELS = Symbol('Models');
