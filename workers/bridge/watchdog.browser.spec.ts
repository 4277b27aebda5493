import { afterEach, describe, expect, it } from 'vitest';
import { Watchdog, WorkerDiedError } from './watchdog.ts';
import type { FaultWorkerApi } from './testing/fault.worker.ts';

const made: Worker[] = [];
const faultWorker = () => {
  const w = new Worker(new URL('./testing/fault.worker.ts', import.meta.url), { type: 'module', name: 'fault' });
  made.push(w);
  return w;
};

const dogs: Watchdog<FaultWorkerApi>[] = [];
function watchdog(options: Partial<ConstructorParameters<typeof Watchdog<FaultWorkerApi>>[0]> = {}) {
  const dog = new Watchdog<FaultWorkerApi>({ name: 'fault', label: 'test worker', create: faultWorker, heartbeatMs: 100, stallMs: 1500, ...options });
  dogs.push(dog);
  return dog;
}

afterEach(() => {
  for (const d of dogs.splice(0)) d.dispose();
  made.length = 0;
});

/** The error a call rejected with, and how long that took. */
async function failure(call: Promise<unknown>): Promise<{ error: WorkerDiedError; ms: number }> {
  const t0 = performance.now();
  const error = await call.then(
    () => {
      throw new Error('the call should have failed');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerDiedError);
  return { error: error as WorkerDiedError, ms: performance.now() - t0 };
}

describe('Watchdog', () => {
  it('starts the worker on first use, once, and runs setup before any call', async () => {
    const dog = watchdog({ setup: (api) => api.configure() });
    expect(dog.starts).toBe(0);
    expect(await dog.call((api) => api.echo('a'))).toBe('a');
    expect(await dog.call((api) => api.echo(2))).toBe(2);
    expect(await dog.call((api) => api.configuredTimes())).toBe(1);
    expect(dog.starts).toBe(1);
  });

  it('a worker that closes itself mid-call fails the call at once (lifeline), and the next call restarts it', async () => {
    const dog = watchdog({ setup: (api) => api.configure(), stallMs: 60_000 });
    await dog.call((api) => api.echo(0));
    const { error, ms } = await failure(dog.call((api) => api.closeAfter(50)));
    expect(error.reason).toBe('closed');
    expect(error.worker).toBe('fault');
    expect(error.message).toBe('The test worker stopped unexpectedly. It restarts with the next request.');
    // The Web Lock is released as the worker ends: no heartbeat limit (60 s here) is waited for.
    expect(ms).toBeLessThan(1500);
    expect(dog.busy).toBe(false);
    expect(await dog.call((api) => api.echo('again'))).toBe('again');
    expect(dog.starts).toBe(2);
    // Setup ran on the new worker too.
    expect(await dog.call((api) => api.configuredTimes())).toBe(1);
  });

  it('every pending call fails when the worker dies, not only the one that killed it', async () => {
    const dog = watchdog({ stallMs: 60_000 });
    await dog.call((api) => api.echo(0));
    const waiting = dog.call((api) => api.hang());
    const killing = dog.call((api) => api.closeAfter(50));
    expect((await failure(waiting)).error.reason).toBe('closed');
    expect((await failure(killing)).error.reason).toBe('closed');
  });

  it('an uncaught error in the worker fails pending calls with its message', async () => {
    const dog = watchdog({ stallMs: 60_000 });
    const { error } = await failure(dog.call((api) => api.throwAfter(30)));
    expect(error.reason).toBe('crashed');
    expect(error.message).toMatch(/^The test worker failed \(.*boom in a timer\)\. It restarts with the next request\.$/);
    expect(await dog.call((api) => api.echo(1))).toBe(1);
  });

  it('a worker whose script fails to load fails the call instead of leaving it waiting', async () => {
    const dog = watchdog({ create: () => new Worker(URL.createObjectURL(new Blob(['throw new Error("bad script")'], { type: 'text/javascript' }))) });
    const { error } = await failure(dog.call((api) => api.echo(1)));
    expect(error.reason).toBe('crashed');
    expect(error.message).toMatch(/bad script/);
  });

  it('a reply that cannot be read (messageerror) fails pending calls and restarts the worker', async () => {
    const dog = watchdog({ stallMs: 60_000 });
    await dog.call((api) => api.echo(0));
    const waiting = dog.call((api) => api.hang());
    made[0].dispatchEvent(new MessageEvent('messageerror'));
    expect((await failure(waiting)).error.reason).toBe('unreadable');
    expect(await dog.call((api) => api.echo(3))).toBe(3);
    expect(dog.starts).toBe(2);
  });

  it('a worker whose event loop stays blocked past the stall limit is taken for hung', async () => {
    const dog = watchdog({ stallMs: 500 });
    await dog.call((api) => api.echo(0));
    const { error, ms } = await failure(dog.call((api) => api.block(4000)));
    expect(error.reason).toBe('stalled');
    expect(error.message).toMatch(/^The test worker stopped responding for \d+ s, so it was restarted\.$/);
    expect(ms).toBeLessThan(2500);
    expect(await dog.call((api) => api.echo(4))).toBe(4);
  });

  it('a long call whose worker keeps answering the heartbeat is not cut short', async () => {
    const dog = watchdog({ stallMs: 400 });
    expect(await dog.call((api) => api.slow(1500))).toBe('slow done');
    // A short block, under the limit, is fine too.
    expect(await dog.call((api) => api.block(200))).toBe('unblocked');
    expect(dog.starts).toBe(1);
  });

  it('beat() keeps a call alive whose worker cannot answer pings but sends events', async () => {
    // Margins for a loaded CI machine (timers there can fire a few hundred ms late): the worker stays
    // blocked for twice the stall limit, and beats come 15 times per limit.
    const dog = watchdog({ stallMs: 1500 });
    await dog.call((api) => api.echo(0));
    const beats = setInterval(() => dog.beat(), 100);
    try {
      expect(await dog.call((api) => api.block(3000))).toBe('unblocked');
    } finally {
      clearInterval(beats);
    }
  });

  it('a call past its own timeout fails and the worker is restarted', async () => {
    const dog = watchdog({ stallMs: 60_000 });
    const { error, ms } = await failure(dog.call((api) => api.hang(), { timeoutMs: 300 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('The test worker did not finish within 1 s, so it was restarted.');
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(await dog.call((api) => api.echo(5), { timeoutMs: 5000 })).toBe(5);
    expect(dog.starts).toBe(2);
  });

  it('stop() fails pending calls at once; settled() says whether calls ended in time', async () => {
    const dog = watchdog({ stallMs: 60_000 });
    expect(await dog.settled(10)).toBe(true);
    const waiting = dog.call((api) => api.hang());
    expect(await dog.settled(100)).toBe(false);
    dog.stop();
    expect((await failure(waiting)).error.reason).toBe('stopped');
    expect(await dog.settled(100)).toBe(true);
    expect(await dog.call((api) => api.echo(6))).toBe(6);
  });

  it('a setup that fails fails the call, and the next call starts a fresh worker', async () => {
    let fail = true;
    const dog = watchdog({ setup: (api) => api.configure(fail) });
    await expect(dog.call((api) => api.echo(1))).rejects.toThrow('cannot configure');
    fail = false;
    expect(await dog.call((api) => api.echo(2))).toBe(2);
    expect(dog.starts).toBe(2);
  });

  it('dispose fails pending and later calls with the disposed error and terminates the worker', async () => {
    class Gone extends Error {}
    const dog = watchdog({ disposedError: () => new Gone('gone') });
    await dog.call((api) => api.echo(0));
    const waiting = dog.call((api) => api.hang());
    dog.dispose();
    await expect(waiting).rejects.toBeInstanceOf(Gone);
    await expect(dog.call((api) => api.echo(1))).rejects.toBeInstanceOf(Gone);
    expect(dog.disposed).toBe(true);
  });

  it('the fault hook the e2e tests arm makes the next call of a method die mid-call', async () => {
    const dog = watchdog({ stallMs: 60_000 });
    await dog.call((api) => api.arm({ method: 'slow', action: 'close', afterMs: 100 }));
    const { error } = await failure(dog.call((api) => api.slow(50)));
    expect(error.reason).toBe('closed');
    // One-shot, and gone with the worker that was armed.
    expect(await dog.call((api) => api.slow(10))).toBe('slow done');
  });
});
