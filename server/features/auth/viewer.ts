import type { FastifyRequest } from 'fastify';
import type { Role } from '../../../shared/roles.ts';

/** Who is asking: the role decides what leaves the server (SPEC §6). */
export interface Viewer {
  role: Role;
  userId: number | null;
  tokenId: number | null;
  /** Municipalities the viewer may see; null = all. */
  municipalityCodes: string[] | null;
}

/** Anyone not signed in. */
export const PUBLIC_VIEWER: Viewer = { role: 'public', userId: null, tokenId: null, municipalityCodes: null };

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

/** The viewer of a request (set by the auth hook; public until someone signs in). */
export function viewerOf(request: FastifyRequest): Viewer {
  return request.viewer ?? PUBLIC_VIEWER;
}
