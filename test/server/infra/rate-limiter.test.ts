import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../server/infra/rate-limiter.ts';

describe('rate limiter', () => {
  it('allows max events in the window, then says how many seconds until the oldest leaves it', () => {
    const limiter = new RateLimiter(3, 60_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) { expect(limiter.retryAfterS('a', t0 + i * 1000)).toBe(0); limiter.record('a', t0 + i * 1000); }
    expect(limiter.retryAfterS('a', t0 + 3000)).toBe(57);
    expect(limiter.retryAfterS('b', t0 + 3000)).toBe(0);
    // The first event leaves the window after 60 s.
    expect(limiter.retryAfterS('a', t0 + 60_001)).toBe(0);
  });

  it('forgets a key on request', () => {
    const limiter = new RateLimiter(1, 60_000);
    limiter.record('a', 0);
    expect(limiter.retryAfterS('a', 1)).toBeGreaterThan(0);
    limiter.forget('a');
    expect(limiter.retryAfterS('a', 1)).toBe(0);
  });

  it('keeps at most maxKeys keys under a spray from many addresses', () => {
    const limiter = new RateLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i++) limiter.record(`ip:${i}`, 0);
    expect(limiter.retryAfterS('ip:0', 1)).toBe(0);
    expect(limiter.retryAfterS('ip:999', 1)).toBeGreaterThan(0);
  });
});
