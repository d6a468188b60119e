// The request a piece of work belongs to, without passing it down every call: the middleware that
// names a request (see request-id handling in each app) runs the rest of it inside this context, and
// whatever records something about it (a log line, an audit row) reads the id from here.
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  /** Set by the proxy (`X-Request-Id`) or made up by the first server the request reaches. */
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<R>(context: RequestContext, work: () => R): R {
  return storage.run(context, work);
}

/** The current request's id, or undefined outside a request (start-up, the pruning timer). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
