/**
 * The worker side of the watchdog (client: workers/bridge/watchdog.ts). `exposeWatched(api)` exposes a
 * worker's comlink API together with two calls the watchdog makes:
 *
 * - `__lifeline(name)` takes a Web Lock and holds it for the worker's whole life. The browser releases
 *   it when the worker ends for any reason — `self.close()`, a crash, an out-of-memory kill,
 *   `terminate()` — so the page learns of the death at once, without the worker's event loop (which a
 *   long model step can block for seconds) having to answer anything.
 * - `__ping()` answers the heartbeat; a worker whose event loop stays blocked past the client's stall
 *   limit is taken for hung.
 *
 * Fault injection for end-to-end tests: a test that sets `globalThis.__workerFault` inside the worker
 * (Playwright's `worker.evaluate`) makes the next call of that method run but never answer, and
 * `afterMs` later the worker closes itself (`close`; without `afterMs`, as soon as the call's
 * synchronous part returns), throws an uncaught error (`throw`) or just stays silent (`hang`).
 * Nothing sets it in the app.
 */
import * as Comlink from 'comlink';

export interface WatchdogEndpoint {
  /** Holds the Web Lock `name` until the worker ends; false where Web Locks are missing. */
  __lifeline(name: string): Promise<boolean>;
  /** Answers the heartbeat. */
  __ping(): true;
}

export interface WorkerFault {
  /** The API method whose next call fails. */
  method: string;
  action: 'close' | 'throw' | 'hang';
  /** How long the call runs before the fault (default 0). */
  afterMs?: number;
}

type FaultHost = { __workerFault?: WorkerFault };

function lifeline(name: string): Promise<boolean> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    locks
      .request(name, () => {
        resolve(true);
        // Held until the worker ends.
        return new Promise<never>(() => {});
      })
      .catch(() => resolve(false));
  });
}

function inject(fault: WorkerFault, work: () => unknown): Promise<never> {
  try {
    // The call does its real work; its answer is withheld, as a worker that dies mid-call never sends it.
    void Promise.resolve(work()).catch(() => {});
  } catch {
    /* withheld as well */
  }
  // Closing at once (no afterMs) does not wait for a timer that the work may hold up by blocking the
  // event loop: the worker ends as soon as the work's current synchronous part returns.
  if (fault.action === 'close' && !fault.afterMs) self.close();
  else
    setTimeout(() => {
      if (fault.action === 'close') self.close();
      else if (fault.action === 'throw') throw new Error(`injected fault in ${fault.method}`);
    }, fault.afterMs ?? 0);
  return new Promise<never>(() => {});
}

function withFaults<T extends object>(api: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(api)) {
    wrapped[name] =
      typeof value !== 'function'
        ? value
        : (...args: unknown[]) => {
            const host = globalThis as FaultHost;
            const fault = host.__workerFault;
            if (fault?.method !== name) return (value as (...a: unknown[]) => unknown).apply(api, args);
            delete host.__workerFault;
            return inject(fault, () => (value as (...a: unknown[]) => unknown).apply(api, args));
          };
  }
  return wrapped as T;
}

/** Exposes `api` over comlink with the watchdog's lifeline and heartbeat. */
export function exposeWatched<T extends object>(api: T): void {
  const endpoint: WatchdogEndpoint = { __lifeline: lifeline, __ping: () => true };
  Comlink.expose({ ...withFaults(api), ...endpoint });
}
