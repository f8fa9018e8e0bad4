import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one call carries. */
export interface CallContext {
  readonly traceId: string;
}

/** The current call, set by the HTTP adapter around each request. */
export const callContext = new AsyncLocalStorage<CallContext>();
