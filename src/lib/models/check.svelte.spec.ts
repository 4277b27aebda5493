// The dialog's Check models state with a scripted run: lines appear as they arrive, the finished
// report replaces them, a failed run says why, Cancel aborts the run's signal, a new profile clears.
import { describe, expect, it } from 'vitest';
import type { CheckLine, Report } from '../../../models/check/report.ts';
import type { runCheck } from '../../../workers/check/client.ts';
import { ModelCheck } from './check.svelte.ts';

const line = (status: CheckLine['status']): CheckLine => ({ subject: 'clipseg/model q8', check: 'run', status, detail: 'x' });
const profile = { kind: 'fixtures' as const, host: 'https://huggingface.co' };

function scripted() {
  let finish!: (r: Report) => void;
  let fail!: (e: Error) => void;
  let emit!: (l: CheckLine) => void;
  let signal!: AbortSignal;
  const run: typeof runCheck = (_p, onLine, s) => {
    emit = onLine;
    signal = s!;
    return new Promise((res, rej) => {
      finish = res;
      fail = rej;
    });
  };
  return { run, finish: (r: Report) => finish(r), fail: (e: Error) => fail(e), emit: (l: CheckLine) => emit(l), signal: () => signal };
}

describe('ModelCheck', () => {
  it('streams lines, then holds the report and its text', async () => {
    const s = scripted();
    const check = new ModelCheck(s.run);
    const done = check.run(profile);
    expect(check.running).toBe(true);
    s.emit(line('pass'));
    s.emit(line('fail'));
    expect(check.summary).toEqual({ pass: 1, fail: 1, skip: 0 });
    expect(check.text).toBe('PASS  clipseg/model q8 · run: x\nFAIL  clipseg/model q8 · run: x');
    s.finish({ source: 'Test models', testModels: true, environment: ['GPU: test'], lines: [line('pass'), line('fail'), line('skip')], started: '2026-01-01T00:00:00.000Z', ms: 1500 });
    await done;
    expect(check.running).toBe(false);
    expect(check.summary).toEqual({ pass: 1, fail: 1, skip: 1 });
    expect(check.text).toMatch(/^# Check models — Test models\n\n1 passed, 1 failed, 1 skipped · 2026-01-01T00:00:00.000Z · 1.5 s\n\n- GPU: test\n\n```\nPASS /);
  });

  it('says why a run stopped, and cancels through the signal', async () => {
    const s = scripted();
    const check = new ModelCheck(s.run);
    const done = check.run(profile);
    check.cancel();
    expect(s.signal().aborted).toBe(true);
    s.fail(new Error('the check was cancelled'));
    await done;
    expect(check.error).toBe('Check models stopped: the check was cancelled');
    expect(check.running).toBe(false);
    check.clear();
    expect([check.error, check.lines, check.report]).toEqual([null, [], null]);
  });
});
