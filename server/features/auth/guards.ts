// The checks moved to the access module (one place, fixed problem codes); re-exported for existing callers.
export { adminCovers, requireAccess, requireAdmin } from './access.ts';
