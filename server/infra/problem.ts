import type { FastifyError, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError, type FieldError } from './errors.ts';

/** application/problem+json (RFC 9457) as every error response of the API. */
export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  /** The stable code (also the `type` suffix), e.g. MUNICIPALITY_SCOPE: what a client branches on. */
  code: Type.Optional(Type.String()),
  detail: Type.String(),
  errors: Type.Array(
    Type.Object({ field: Type.String(), message: Type.String(), row: Type.Optional(Type.Integer()) }),
  ),
  request_id: Type.Optional(Type.String()),
});

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

function fieldOfValidation(instancePath: string, params: Record<string, unknown>, context: string | undefined): string {
  const missing = params.missingProperty ?? params.additionalProperty;
  const tail = instancePath.replace(/^\//, '').replace(/\//g, '.');
  const name = [tail, missing].filter(Boolean).join('.');
  return name || context || 'request';
}

/** Installs the one error handler: every failure becomes problem+json; a 500 reveals nothing internal. */
export function installProblemHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let status = 500;
    let code = 'INTERNAL';
    let detail = 'Something went wrong on the server. The error has been logged with the request id.';
    let errors: FieldError[] = [];
    if (error instanceof AppError) {
      ({ status, code } = error);
      detail = error.message;
      errors = error.errors;
    } else if ((error as FastifyError).validation) {
      const fe = error as FastifyError;
      status = 400;
      code = 'VALIDATION';
      errors = fe.validation!.map((v) => ({
        field: fieldOfValidation(v.instancePath, v.params as Record<string, unknown>, fe.validationContext),
        message: v.params && 'additionalProperty' in v.params ? 'unknown parameter' : (v.message ?? 'invalid'),
      }));
      detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    } else if (typeof (error as FastifyError).statusCode === 'number' && (error as FastifyError).statusCode! < 500) {
      status = (error as FastifyError).statusCode!;
      code = (error as FastifyError).code ?? 'CLIENT_ERROR';
      detail = error.message;
    }
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    reply
      .status(status)
      .type('application/problem+json')
      .send({
        type: `https://lagesbild.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
        title: TITLES[status] ?? 'Error',
        status,
        code,
        detail,
        errors,
        request_id: String(request.id),
      });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).type('application/problem+json').send({
      type: 'https://lagesbild.example/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      errors: [],
      request_id: String(request.id),
    });
  });
}
