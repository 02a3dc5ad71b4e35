import { createHash, randomBytes } from 'node:crypto';

/** A new random secret (256 bits, base64url) with a readable prefix: `lbt_` API tokens, `lbs_` sessions. */
export function newSecret(prefix: 'lbt_' | 'lbs_'): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 of a secret, hex: only this is stored, so a leaked table cannot be replayed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether a string looks like one of our secrets (cheap rejection before touching the database). */
export function isWellFormedSecret(value: string, prefix: 'lbt_' | 'lbs_'): boolean {
  return value.length === prefix.length + 43 && value.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(value.slice(prefix.length));
}
