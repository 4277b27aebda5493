/** Shared helpers for benchmark pages run by scripts/bench/run.mjs. */
declare global {
  interface Window {
    __benchReport?: (line: string) => Promise<void>;
    __benchDone?: (error?: string) => Promise<void>;
  }
}

export async function report(line: string): Promise<void> {
  const pre = document.getElementById('out') ?? document.body.appendChild(Object.assign(document.createElement('pre'), { id: 'out' }));
  pre.textContent += `${line}\n`;
  await window.__benchReport?.(line);
}

/** Runs the benchmark body and tells the runner it finished (or why it failed). */
export async function runBench(body: () => Promise<void>): Promise<void> {
  try {
    await body();
    await window.__benchDone?.();
  } catch (e) {
    await report(`FAILED: ${(e as Error)?.stack ?? e}`);
    await window.__benchDone?.(String((e as Error)?.message ?? e));
  }
}

/** Median wall time in ms of `fn` over `runs` runs after `warmup` runs. */
export async function timeMedian(fn: () => Promise<unknown> | unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
