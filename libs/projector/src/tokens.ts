export const APP_CONTEXT = Symbol('AppContext');
