/** A workflow interceptors module that forgot its `interceptors` export (for the error test). */
export const interceptor = { execute: () => Promise.resolve(undefined) };
