// The result of Check models: one line per check, with pass / fail / skipped and the reason, plain
// text a person can paste into an issue. The same lines in the dialog and in `npm run models:check`.

export type Status = 'pass' | 'fail' | 'skip';

export const CHECKS = ['files', 'io', 'ops', 'placement', 'run', 'memory', 'semantic'] as const;
export type CheckName = (typeof CHECKS)[number];

export interface CheckLine {
  /** What was checked: a repository (files) or `<role>/<session>` (everything else). */
  subject: string;
  check: CheckName;
  status: Status;
  /** Why, in a sentence: the numbers, the names, what is missing. */
  detail: string;
}

export interface Report {
  /** "Test models" or the folder / profile checked. */
  source: string;
  /** True for the generated test models: semantic checks are skipped. */
  testModels: boolean;
  /** Device, adapter and runtime, one line each. */
  environment: string[];
  lines: CheckLine[];
  /** When the run started (ISO). */
  started: string;
  ms: number;
}

const MARK: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export const counts = (lines: readonly CheckLine[]) => ({
  pass: lines.filter((l) => l.status === 'pass').length,
  fail: lines.filter((l) => l.status === 'fail').length,
  skip: lines.filter((l) => l.status === 'skip').length,
});

export const formatLine = (l: CheckLine) => `${MARK[l.status]}  ${l.subject} · ${l.check}: ${l.detail}`;

/** The report as Markdown-friendly plain text (a code block keeps the columns when pasted). */
export function formatReport(r: Report): string {
  const c = counts(r.lines);
  return [
    `# Check models — ${r.source}${r.testModels && !/test models/i.test(r.source) ? ' (test models)' : ''}`,
    '',
    `${c.pass} passed, ${c.fail} failed, ${c.skip} skipped · ${r.started} · ${(r.ms / 1000).toFixed(1)} s`,
    '',
    ...r.environment.map((e) => `- ${e}`),
    '',
    '```',
    ...r.lines.map(formatLine),
    '```',
    '',
  ].join('\n');
}
