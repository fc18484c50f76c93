import { describe, expect, it } from '@jest/globals';
import { ADMIN_ERROR_STATUS, AdminApiError, type AdminErrorCode } from '../api/admin-api.js';
import { describeAdminError, EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';

describe('exit codes', () => {
  it('gives every admin error code an exit code, and documents each in the help text', () => {
    for (const code of Object.keys(ADMIN_ERROR_STATUS) as AdminErrorCode[]) {
      const exit = exitCodeFor(new AdminApiError(code, code));
      expect(exit).toBeGreaterThanOrEqual(1);
      expect(EXIT_CODES_HELP).toMatch(new RegExp(`^  ${exit}  .*${code}`, 'm'));
    }
  });

  it('prints the description, then each field problem it does not already spell out', () => {
    const error = new AdminApiError('invalid_request', 'invalid client metadata: scope "x" is unknown', [
      { field: 'scope', message: '"x" is unknown' },
      { field: 'client_name', message: 'is too long' },
    ]);
    expect(describeAdminError(error)).toBe('meshid: invalid client metadata: scope "x" is unknown\n  client_name is too long\n');
  });
});
