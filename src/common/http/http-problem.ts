/** One problem with one input field; `field` names it as the request did (with an index for list items). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An error of a JSON API other than OAuth's (the admin API's AdminApiError): rendered by
 * HttpErrorFilter in the same `{error, error_description}` shape as every meshid error, plus the
 * fields at fault when there are any.
 */
export abstract class HttpProblem extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly description: string;
  abstract readonly fields: readonly FieldProblem[];
  /** Extra response headers, e.g. WWW-Authenticate on a 401. */
  abstract readonly headers: Readonly<Record<string, string>>;
}
