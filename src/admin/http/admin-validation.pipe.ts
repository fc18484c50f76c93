import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AdminApiError, type FieldProblem } from '../api/admin-api.js';

/** Every problem of every field, nested ones named by their path (`a.b`, `list.0`). */
function problemsOf(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...problemsOf(error.children ?? [], `${field}.`)];
  });
}

/**
 * Admin request bodies and queries: checked against their DTO, unknown fields refused (a typo
 * must not be silently ignored by an API that changes security settings), every problem named.
 */
export const adminValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => {
    const fields = problemsOf(errors);
    return new AdminApiError('invalid_request', fields.map((problem) => problem.message).join('; ') || 'the request is not valid', fields);
  },
});
