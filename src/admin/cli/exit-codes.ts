import { AdminApiError, type AdminErrorCode } from '../api/admin-api.js';

/** The exit codes of every `meshid` admin command; scripts branch on them, so they never change meaning. */
export const EXIT = {
  ok: 0,
  usage: 1,
  notFound: 2,
  conflict: 3,
  notAuthorized: 4,
  unavailable: 5,
  /** The log's evidence does not hold: `audit verify` found tampering, `audit replay` a mismatch. */
  evidence: 6,
} as const;

const EXIT_BY_CODE: Readonly<Record<AdminErrorCode, number>> = {
  invalid_request: EXIT.usage,
  precondition_required: EXIT.usage,
  not_found: EXIT.notFound,
  conflict: EXIT.conflict,
  precondition_failed: EXIT.conflict,
  unauthorized: EXIT.notAuthorized,
  forbidden: EXIT.notAuthorized,
  temporarily_unavailable: EXIT.unavailable,
  server_error: EXIT.unavailable,
};

export function exitCodeFor(error: AdminApiError): number {
  return EXIT_BY_CODE[error.code] ?? EXIT.unavailable;
}

/**
 * What the operator reads on stderr: the description, then one indented line per field problem
 * (but not one the description already spells out, as single-problem descriptions often do).
 */
export function describeAdminError(error: AdminApiError): string {
  const problems = error.fields.map((problem) => `${problem.field} ${problem.message}`);
  const lines = [`meshid: ${error.description}`, ...problems.filter((problem) => !error.description.includes(problem)).map((problem) => `  ${problem}`)];
  return `${lines.join('\n')}\n`;
}

/** Reports a refused or failed admin call and sets the exit code; false for any other error. */
export function reportAdminError(error: unknown): boolean {
  if (!(error instanceof AdminApiError)) return false;
  process.stderr.write(describeAdminError(error));
  process.exitCode = exitCodeFor(error);
  return true;
}

/** The after-help text of `meshid --help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  usage or validation error (bad flags, invalid_request, precondition_required)
  2  not found (not_found)
  3  conflict, or changed concurrently (conflict, precondition_failed): reload and retry
  4  not authorized (unauthorized, forbidden)
  5  unavailable (cannot reach the server, temporarily_unavailable, server_error)
  6  the log's evidence does not hold (audit verify found tampering, audit replay a mismatch)

Admin commands act on the data directory, or on a running instance with --url (MESHID_URL) and
--token (MESHID_ADMIN_TOKEN) or --admin-client-id/--admin-client-secret (MESHID_ADMIN_CLIENT_ID,
MESHID_ADMIN_CLIENT_SECRET): a client allowed the client_credentials grant and scope meshid:admin.`;
