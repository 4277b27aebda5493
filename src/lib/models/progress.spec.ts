import { describe, expect, it } from 'vitest';
import { etaSeconds, RateMeter } from './progress.ts';

describe('rate and ETA', () => {
  it('measures bytes per second over the last window only', () => {
    let t = 0;
    const meter = new RateMeter(3000, () => t);
    expect(meter.rate).toBe(0);
    for (let i = 0; i < 10; i++) {
      t += 1000;
      meter.add(1_000_000); // 1 MB/s for 10 s
    }
    expect(meter.rate).toBeCloseTo(1_000_000, 6);
    for (let i = 0; i < 3; i++) {
      t += 1000;
      meter.add(4_000_000); // then 4 MB/s
    }
    expect(meter.rate).toBeCloseTo(4_000_000, 6);
  });

  it('counts from its start, so the first chunk already gives a rate', () => {
    let t = 100;
    const meter = new RateMeter(3000, () => t);
    t = 600;
    meter.add(250_000);
    expect(meter.rate).toBe(500_000);
  });

  it('gives the time left, or null when it cannot', () => {
    expect(etaSeconds(10_000_000, 2_000_000)).toBe(5);
    expect(etaSeconds(0, 2_000_000)).toBe(0);
    expect(etaSeconds(null, 2_000_000)).toBeNull();
    expect(etaSeconds(1000, 0)).toBeNull();
  });
});
