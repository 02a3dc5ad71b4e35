import { AppError } from './errors.ts';

const controller = new AbortController();

/**
 * Aborted when the process begins a graceful shutdown (SIGTERM). Long work (imports) checks it
 * between rows and stops by throwing inside its transaction, so nothing half-written is committed.
 */
export const shutdownSignal: AbortSignal = controller.signal;

export function beginShutdown(): void {
  if (!controller.signal.aborted) {
    controller.abort(new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down; nothing from this request was saved. Try again when it is back.'));
  }
}
