// Browser-side control of the test model server (server.ts): scenarios, their request logs, counts.
import type { WorkerDownloadReply, WorkerDownloadRequest } from './download-worker.ts';
import type { LoggedRequest, ScenarioOptions } from './server.ts';

/** Creates a scenario on the server; returns the host to use as a Hub mirror, and its id. */
export async function createScenario(serverURL: string, options: ScenarioOptions = {}): Promise<{ host: string; id: string }> {
  // text/plain keeps the cross-origin POST free of a preflight.
  const response = await fetch(`${serverURL}/__scenarios`, { method: 'POST', body: JSON.stringify(options), headers: { 'Content-Type': 'text/plain' } });
  const { id } = (await response.json()) as { id: string };
  return { host: `${serverURL}/s/${id}`, id };
}

export async function scenarioLog(serverURL: string, id: string): Promise<LoggedRequest[]> {
  return (await fetch(`${serverURL}/__scenarios/${id}/log`)).json() as Promise<LoggedRequest[]>;
}

/** File requests the server has answered since it started. */
export async function servedRequests(serverURL: string): Promise<number> {
  return ((await (await fetch(`${serverURL}/__stats`)).json()) as { requests: number }).requests;
}

/** Runs one download in a dedicated worker (download-worker.ts) and returns its reply. */
export function downloadInWorker(request: WorkerDownloadRequest): Promise<WorkerDownloadReply> {
  const worker = new Worker(new URL('./download-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<WorkerDownloadReply>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<WorkerDownloadReply>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}
