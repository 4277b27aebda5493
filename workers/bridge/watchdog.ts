/**
 * The one mechanism every worker client uses to start its worker and call it, so that no call can
 * wait forever on a worker that died or hung (worker side: workers/bridge/endpoint.ts).
 *
 * - Death is seen at once: a Web Lock the worker holds for its whole life (released by the browser
 *   when the worker ends in any way: `self.close()`, a crash, an out-of-memory kill) and the worker's
 *   `error` event (a script that fails to load, an uncaught exception: its state is then unknown).
 *   A `messageerror` (a reply that cannot be read) counts as a failure too: the call it answered can
 *   never settle.
 * - A hung worker is seen by a heartbeat: while calls are pending it is pinged; any sign of life (a
 *   pong, a call settling, a stream or progress event passed to `beat()`) resets the clock, and a
 *   worker silent for `stallMs` is taken for hung. The limit is per client and generous where the
 *   worker may block its event loop legitimately (a model session being created); a long model
 *   load or generation is never cut short while its worker keeps answering.
 * - A call may also carry its own `timeoutMs`, for calls whose length is bounded (an image rotation).
 *
 * On any of these the worker is terminated, every pending call rejects with a WorkerDiedError whose
 * message is written for the person, and the next call starts a fresh worker (running `setup` again).
 */
import * as Comlink from 'comlink';
import type { WatchdogEndpoint } from './endpoint.ts';

export type WorkerFailure = 'crashed' | 'closed' | 'stalled' | 'timeout' | 'unreadable' | 'stopped' | 'setup';

/** A call failed because its worker ended, hung or was stopped; the next call restarts the worker. */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';

  constructor(
    /** Which worker ('image', 'language', …). */
    readonly worker: string,
    readonly reason: WorkerFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface WatchdogOptions<Api> {
  /** Short name, for errors and lock names: 'image', 'language', 'vision', 'diffusion'. */
  name: string;
  /** What the person calls it, for messages: "image processing", "instruction planner". */
  label: string;
  create: () => Worker;
  /** Runs on every fresh worker before any call reaches it (configuration); a failure restarts it next time. */
  setup?: (api: Comlink.Remote<Api>) => Promise<unknown>;
  /** How often a busy worker is pinged. */
  heartbeatMs?: number;
  /** How long a busy worker may show no sign of life before it is taken for hung (Infinity: never). */
  stallMs?: number;
  /** The error pending and later calls get once disposed. */
  disposedError?: () => Error;
}

type Remote<Api> = Comlink.Remote<Api & WatchdogEndpoint>;

/** One started worker: it lives until `fail` (once) or dispose. */
interface Life<Api> {
  worker: Worker;
  api: Remote<Api>;
  /** Settles when the worker can take calls (lifeline held, setup done). */
  ready: Promise<void>;
  /** Rejects when this worker ends; never resolves. */
  dead: Promise<never>;
  fail: (error: Error) => void;
  ended: boolean;
}

const sec = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;

export class Watchdog<Api extends object> {
  readonly #options: Required<Omit<WatchdogOptions<Api>, 'setup'>> & Pick<WatchdogOptions<Api>, 'setup'>;
  #life: Life<Api> | null = null;
  #pending = 0;
  #lastSign = 0;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  /** The worker a ping is outstanding on (a dead one never answers, so this is per worker). */
  #pinging: Life<Api> | null = null;
  #disposed = false;
  #idle: (() => void)[] = [];
  /** Workers started so far (tests read it). */
  starts = 0;

  constructor(options: WatchdogOptions<Api>) {
    this.#options = {
      heartbeatMs: 2000,
      stallMs: 60_000,
      disposedError: () => new Error(`The ${options.label} was shut down before the operation finished.`),
      ...options,
    };
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Calls running now. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** The worker's API without starting it or tracking the call (for a fire-and-forget cancel); null when none runs. */
  peek(): Comlink.Remote<Api> | null {
    return this.#life && !this.#life.ended ? (this.#life.api as unknown as Comlink.Remote<Api>) : null;
  }

  /**
   * Runs a call on the worker, starting it first if needed. Rejects with WorkerDiedError when the
   * worker dies, hangs or is stopped before the call settles, or when `timeoutMs` passes first (the
   * worker is then restarted, since its state is unknown).
   */
  async call<T>(run: (api: Comlink.Remote<Api>) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const life = this.#start();
    this.#enter();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([life.ready, life.dead]);
      const work = run(life.api as unknown as Comlink.Remote<Api>);
      const racers: Promise<T>[] = [work, life.dead];
      if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs)) {
        const ms = options.timeoutMs;
        racers.push(
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              const error = this.#error('timeout', `The ${this.#options.label} did not finish within ${sec(ms)}, so it was restarted.`);
              life.fail(error);
              reject(error);
            }, ms);
          }),
        );
      }
      return await Promise.race(racers);
    } finally {
      clearTimeout(timer);
      this.#sign();
      this.#leave();
    }
  }

  /** A sign of life from the worker that came another way (stream or progress events). */
  beat(): void {
    this.#sign();
  }

  /** Resolves true once no call is pending, or false after `ms` if some still are. */
  settled(ms: number): Promise<boolean> {
    if (this.#pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#idle = this.#idle.filter((f) => f !== done);
        resolve(false);
      }, ms);
      this.#idle.push(done);
    });
  }

  /** Ends the running worker: pending calls reject with WorkerDiedError (reason 'stopped'); the next call starts a new one. */
  stop(): void {
    this.#life?.fail(this.#error('stopped', `Stopped: the ${this.#options.label} was restarted to stop at once.`));
  }

  /** Terminates the worker for good; pending and later calls reject with the disposed error. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#life?.fail(this.#options.disposedError());
    this.#stopHeartbeat();
  }

  #error(reason: WorkerFailure, message: string, cause?: unknown): WorkerDiedError {
    return new WorkerDiedError(this.#options.name, reason, message, cause === undefined ? undefined : { cause });
  }

  #start(): Life<Api> {
    if (this.#disposed) throw this.#options.disposedError();
    if (this.#life && !this.#life.ended) return this.#life;
    const { create, setup, name, label } = this.#options;
    const worker = create();
    const api = Comlink.wrap<Api & WatchdogEndpoint>(worker);
    this.starts++;
    let reject!: (e: Error) => void;
    const dead = new Promise<never>((_, r) => (reject = r));
    dead.catch(() => {}); // observed by the calls that race it
    const lock = new AbortController();
    const life: Life<Api> = {
      worker,
      api,
      ready: Promise.resolve(),
      dead,
      ended: false,
      fail: (error) => {
        if (life.ended) return;
        life.ended = true;
        if (this.#life === life) this.#life = null;
        lock.abort();
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onMessageError);
        worker.terminate();
        reject(error);
      },
    };
    const onError = (event: ErrorEvent) => {
      // An uncaught error leaves the worker's state unknown, and a script that failed to load never answers.
      event.preventDefault();
      const what = event.message ? event.message.replace(/^Uncaught (\w*Error: )?/, '') : 'it could not be started';
      life.fail(this.#error('crashed', `The ${label} failed (${what}). It restarts with the next request.`, event.error));
    };
    const onMessageError = () => {
      life.fail(this.#error('unreadable', `A reply from the ${label} could not be read, so it was restarted. Try again.`));
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onMessageError);

    const lockName = `watchdog:${name}:${crypto.randomUUID()}`;
    life.ready = (async () => {
      // The worker holds the lock for its life; our request for it is granted only when it ends.
      const held = await api.__lifeline(lockName).catch(() => false);
      const locks = globalThis.navigator?.locks;
      if (held && locks && !life.ended) {
        locks
          .request(lockName, { signal: lock.signal }, () => {
            life.fail(this.#error('closed', `The ${label} stopped unexpectedly. It restarts with the next request.`));
          })
          .catch(() => {}); // aborted: we ended it ourselves
      }
      if (setup && !life.ended) {
        try {
          await setup(api as unknown as Comlink.Remote<Api>);
        } catch (error) {
          // A worker whose setup failed is not reused: the next call starts afresh.
          life.fail(error instanceof Error ? error : this.#error('setup', `The ${label} could not be started.`, error));
          throw error;
        }
      }
    })();
    life.ready.catch(() => {});
    this.#life = life;
    return life;
  }

  #enter(): void {
    if (this.#pending++ === 0) {
      this.#lastSign = performance.now();
      this.#startHeartbeat();
    }
  }

  #leave(): void {
    if (--this.#pending > 0) return;
    this.#stopHeartbeat();
    const waiting = this.#idle;
    this.#idle = [];
    for (const done of waiting) done();
  }

  #sign(): void {
    this.#lastSign = performance.now();
  }

  #startHeartbeat(): void {
    const { heartbeatMs, stallMs, label } = this.#options;
    if (!Number.isFinite(stallMs) || this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      const life = this.#life;
      if (!life || life.ended) return;
      const silent = performance.now() - this.#lastSign;
      if (silent > stallMs) {
        life.fail(this.#error('stalled', `The ${label} stopped responding for ${sec(silent)}, so it was restarted.`));
        return;
      }
      if (this.#pinging === life) return;
      this.#pinging = life;
      life.api
        .__ping()
        .then(() => {
          if (this.#life === life) this.#sign();
        })
        .catch(() => {})
        .finally(() => {
          if (this.#pinging === life) this.#pinging = null;
        });
    }, heartbeatMs);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}
