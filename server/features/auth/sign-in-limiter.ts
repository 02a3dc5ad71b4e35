/**
 * In-memory sign-in throttling per client IP: at most `max` failed attempts in a sliding `windowMs`.
 * It lives in the server process (one process serves a municipality; a restart forgets it, and the
 * per-account lock in the database still holds). Behind several processes, put a shared limiter in front.
 */
export class SignInLimiter {
  private failures = new Map<string, number[]>();

  constructor(
    readonly max = 10,
    readonly windowMs = 15 * 60 * 1000,
    private readonly maxKeys = 10_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until this key may try again, or 0 when it may try now. */
  retryAfterS(key: string, now = Date.now()): number {
    const list = this.recent(key, now);
    if (list.length < this.max) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.max] + this.windowMs - now) / 1000));
  }

  /** Counts one failed attempt. */
  fail(key: string, now = Date.now()): void {
    if (this.failures.size >= this.maxKeys && !this.failures.has(key)) {
      // Bounded memory under a spray from many addresses: drop the oldest key.
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  /** Forgets a key's failures after a successful sign-in. */
  succeed(key: string): void {
    this.failures.delete(key);
  }
}
