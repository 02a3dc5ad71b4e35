/** One problem with one input field, as listed in a problem+json `errors[]`. */
export interface FieldError {
  field: string;
  message: string;
  row?: number;
}

/** A failure the client can act on; the error handler turns it into application/problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable SCREAMING_SNAKE code, also the problem `type` suffix. */
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** 400 naming the offending parameter. */
export function badRequest(field: string, message: string): AppError {
  return new AppError(400, 'BAD_REQUEST', `${field}: ${message}`, [{ field, message }]);
}

/** 404 for a missing resource. */
export function notFound(what: string): AppError {
  return new AppError(404, 'NOT_FOUND', `${what} not found`);
}
