// The Models dialog's Check models: one run at a time in the check worker (workers/check/client.ts),
// its lines shown as they arrive, the finished report as copyable text. The one owner of the run.
import { counts, formatLine, formatReport, type CheckLine, type Report } from '../../../models/check/report.ts';
import { runCheck } from '../../../workers/check/client.ts';
import type { ModelProfile } from './profile.ts';

export class ModelCheck {
  lines = $state.raw<CheckLine[]>([]);
  report = $state.raw<Report | null>(null);
  running = $state(false);
  error = $state<string | null>(null);

  readonly text = $derived(this.report ? formatReport(this.report) : this.lines.map(formatLine).join('\n'));
  readonly summary = $derived(counts(this.lines));

  #abort: AbortController | null = null;
  readonly #run: typeof runCheck;

  constructor(run: typeof runCheck = runCheck) {
    this.#run = run;
  }

  async run(profile: ModelProfile): Promise<void> {
    if (this.running) return;
    this.#abort = new AbortController();
    this.running = true;
    this.error = null;
    this.report = null;
    this.lines = [];
    try {
      this.report = await this.#run(profile, (line) => (this.lines = [...this.lines, line]), this.#abort.signal);
      this.lines = this.report.lines;
    } catch (e) {
      this.error = `Check models stopped: ${(e as Error).message}`;
    } finally {
      this.running = false;
      this.#abort = null;
    }
  }

  cancel(): void {
    this.#abort?.abort();
  }

  /** A new profile's models are other files: the last report no longer applies. */
  clear(): void {
    this.cancel();
    this.lines = [];
    this.report = null;
    this.error = null;
  }
}
