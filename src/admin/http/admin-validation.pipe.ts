import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
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
 * A body must be a JSON object: `null`, an array or a bare value is refused before the DTO sees
 * it (the validator would let `null` through as "nothing to validate"); no body at all is `{}`.
 */
class AdminValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // No body at all (a bare POST) is an empty one: every admin body field is optional or named.
    if (metadata.type === 'body' && value === undefined) value = {};
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new AdminApiError('invalid_request', 'the request body must be a JSON object (Content-Type: application/json)');
    }
    return super.transform(value, metadata);
  }
}

export const adminValidation = new AdminValidationPipe({
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
