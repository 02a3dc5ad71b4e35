import type { FastifyInstance } from 'fastify';

/**
 * The content security policy for the built client. MapLibre needs: its worker from 'self' (Vite emits it
 * as a file) and blob: workers, WebGL (no CSP switch), `data:`/`blob:` images (sprites, canvas), and
 * inline `style` attributes it sets on markers and controls ('unsafe-inline' for styles only; scripts
 * stay 'self'). A configured basemap may live on another host, so its origin is added to connect/img.
 */
export function contentSecurityPolicy(basemapStyleUrl?: string): string {
  const extra: string[] = [];
  if (basemapStyleUrl && /^https?:\/\//.test(basemapStyleUrl)) {
    // Style, tiles, sprites and glyphs may come from the style's host or others it names: allow https.
    extra.push(new URL(basemapStyleUrl).origin, 'https:');
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${extra.join(' ')}`.trim(),
    `connect-src 'self' ${extra.join(' ')}`.trim(),
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

// Swagger UI (/api/docs) ships an inline bootstrap script; it gets its own, looser policy on its pages only.
const DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'";

/** Adds security headers to every response: CSP, nosniff, no framing, no referrer leaks, HSTS over https. */
export function installSecurityHeaders(app: FastifyInstance, options: { basemapStyleUrl?: string } = {}) {
  const csp = contentSecurityPolicy(options.basemapStyleUrl);
  app.addHook('onSend', async (request, reply, payload) => {
    const docs = request.url.startsWith('/api/docs');
    reply.header('content-security-policy', docs ? DOCS_CSP : csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(self), payment=(), usb=()');
    const forwarded = request.headers['x-forwarded-proto'];
    const https = request.protocol === 'https' || (typeof forwarded === 'string' && forwarded.split(',')[0].trim() === 'https');
    if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
