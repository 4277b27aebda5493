import type { LoggedRequest } from './server.ts';

/**
 * Checks the requests of a download that was cut: each request after a cut must ask for the rest
 * from where the stored part ends — never from before the previous request's start (no restart),
 * never past what the previous response sent. (A client can store less than was sent: a failed body
 * stream drops the chunks it still had queued.) Returns the offsets asked for, or throws.
 */
export function resumeOffsets(requests: LoggedRequest[]): number[] {
  const offsets = requests.map((r) => (r.range === null ? 0 : Number(/^bytes=(\d+)-$/.exec(r.range)?.[1] ?? NaN)));
  for (let i = 1; i < requests.length; i++) {
    const [before, now] = [offsets[i - 1], offsets[i]];
    if (!(now >= before && now <= before + requests[i - 1].sent)) {
      throw new Error(`request ${i} asks from ${now}; the one before asked from ${before} and got ${requests[i - 1].sent} bytes`);
    }
  }
  return offsets;
}
