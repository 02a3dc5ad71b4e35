/**
 * In-memory throttling per key (a client address, an account): at most `max` events in a sliding `windowMs`.
 * It lives in the server process (one process serves a municipality; a restart forgets it, and the
 * per-account sign-in lock in the database still holds). Behind several processes, put a shared limiter in front.
 */
export class RateLimiter {
  private events = new Map<string, number[]>();

  constructor(
    readonly max = 10,
    readonly windowMs = 15 * 60 * 1000,
    private readonly maxKeys = 10_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.events.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.events.set(key, list);
    else this.events.delete(key);
    return list;
  }

  /** Seconds until this key may try again, or 0 when it may try now. */
  retryAfterS(key: string, now = Date.now()): number {
    const list = this.recent(key, now);
    if (list.length < this.max) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.max] + this.windowMs - now) / 1000));
  }

  /** Counts one event (a failed sign-in, an export). */
  record(key: string, now = Date.now()): void {
    if (this.events.size >= this.maxKeys && !this.events.has(key)) {
      // Bounded memory under a spray from many addresses: drop the oldest key.
      const oldest = this.events.keys().next().value;
      if (oldest !== undefined) this.events.delete(oldest);
    }
    this.events.set(key, [...this.recent(key, now), now]);
  }

  /** Forgets a key's events (a successful sign-in clears its failures). */
  forget(key: string): void {
    this.events.delete(key);
  }
}
