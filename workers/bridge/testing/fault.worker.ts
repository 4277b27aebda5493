/** A worker that misbehaves on request, for the watchdog's specs (workers/bridge/watchdog.browser.spec.ts). */
import { exposeWatched, type WorkerFault } from '../endpoint.ts';

const never = () => new Promise<never>(() => {});
let configured = 0;

const api = {
  echo: <T>(value: T): T => value,
  configure: (fail = false): number => {
    if (fail) throw new Error('cannot configure');
    return ++configured;
  },
  configuredTimes: () => configured,
  /** Never answers; closes itself after `ms`. */
  closeAfter: (ms: number) => {
    setTimeout(() => self.close(), ms);
    return never();
  },
  /** Never answers; throws an uncaught error after `ms`. */
  throwAfter: (ms: number) => {
    setTimeout(() => {
      throw new Error('boom in a timer');
    }, ms);
    return never();
  },
  /** Blocks the event loop for `ms` (a long synchronous step). */
  block: (ms: number): string => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      /* busy */
    }
    return 'unblocked';
  },
  /** Takes `ms` with the event loop free (a long model load that keeps answering pings). */
  slow: async (ms: number): Promise<string> => {
    await new Promise((r) => setTimeout(r, ms));
    return 'slow done';
  },
  hang: never,
  /** Arms the fault hook the e2e tests use through Playwright. */
  arm: (fault: WorkerFault): void => {
    (globalThis as { __workerFault?: WorkerFault }).__workerFault = fault;
  },
};

export type FaultWorkerApi = typeof api;

exposeWatched(api);
