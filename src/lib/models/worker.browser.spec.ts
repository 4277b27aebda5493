// The same download in a dedicated worker, where the store writes through sync access handles.
import { afterEach, expect, inject, it } from 'vitest';
import { createScenario, downloadInWorker, scenarioLog } from '../../../tests/model-server/client.ts';
import { resumeOffsets } from '../../../tests/model-server/resume-log.ts';
import { firstDifference, syntheticBytes } from '../../../tests/model-server/synthetic.ts';
import { fileURL, hubSource } from './sources.ts';
import { ModelStore } from './store.ts';

const serverURL = inject('modelServerURL');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('resumes after cuts with sync access handles in a worker, and the main thread reads the file', async () => {
  const root = await navigator.storage.getDirectory();
  const dir = `models-worker-${crypto.randomUUID()}`;
  cleanups.push(() => root.removeEntry(dir, { recursive: true }));
  const ref = { id: 'synthetic/worker', revision: 'main' };
  const path = 'onnx/model-2500000.onnx';
  const cuts = [300_000, 700_000, 50_000];
  const { host, id } = await createScenario(serverURL, { faults: cuts.map((after) => ({ kind: 'cut' as const, after })) });

  const reply = await downloadInWorker({ url: fileURL(hubSource(host), ref, path), path, dir, ref, retry: { baseMs: 1, maxMs: 5 } });
  expect(reply).toMatchObject({ ok: true, bytes: 2_500_000, requests: 4, syncHandles: true });
  const requests = await scenarioLog(serverURL, id);
  expect(requests.slice(0, 3).map((r) => r.sent)).toEqual(cuts);
  expect(resumeOffsets(requests)[3]).toBeGreaterThan(0);

  const store = new ModelStore(await root.getDirectoryHandle(dir));
  const file = await store.file(ref, path);
  expect(firstDifference(new Uint8Array(await file!.arrayBuffer()), syntheticBytes(path))).toBe(-1);
  expect(await store.model(ref)).toMatchObject({ bytes: 2_500_000, partialBytes: 0 });
});
