/**
 * The one owner of a check run's worker: `runCheck` starts workers/check.worker.ts, runs Check
 * models for a profile, and terminates the worker when the run ends, fails or is cancelled — its
 * sessions and GPU memory go with it. A worker that dies mid-run rejects with a plain message.
 */
import * as Comlink from 'comlink';
import type { CheckLine, Report } from '../../models/check/report.ts';
import type { ModelProfile } from '../../src/lib/models/profile.ts';
import type { CheckWorkerApi } from '../check.worker.ts';

export const startCheckWorker = (): Worker => new Worker(new URL('../check.worker.ts', import.meta.url), { type: 'module', name: 'check' });

export async function runCheck(profile: ModelProfile, onLine: (line: CheckLine) => void, signal?: AbortSignal, create: () => Worker = startCheckWorker): Promise<Report> {
  const worker = create();
  const api = Comlink.wrap<CheckWorkerApi>(worker);
  try {
    return await new Promise<Report>((resolve, reject) => {
      const stop = (why: string) => reject(new Error(why));
      worker.addEventListener('error', (e) => stop(`the check stopped: ${e.message || 'the worker crashed'} (out of memory?)`));
      signal?.addEventListener('abort', () => stop('the check was cancelled'));
      if (signal?.aborted) return stop('the check was cancelled');
      api.run({ ...profile }, Comlink.proxy(onLine)).then(resolve, reject);
    });
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
