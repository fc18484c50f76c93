import { type CanActivate, Inject, Injectable } from '@nestjs/common';
import { HttpProblem } from '../../common/http/http-problem.js';
import { MeshidConfig } from '../../config/meshid-config.js';

/** 404, as HttpErrorFilter renders it, whatever the method (a plain NotFoundException on a known route reads as 405). */
class LocalAccountsDisabled extends HttpProblem {
  readonly code = 'not_found';
  readonly status = 404;
  readonly description = 'local accounts are not enabled on this server (MESHID_IDENTITY has no `account`)';
  readonly fields = [];
  readonly headers = {};
}

/**
 * The sign-in, setup and account pages exist only when the `account` resolver is configured
 * (MESHID_IDENTITY): otherwise a local account's session would recognise nobody, and a server
 * that serves only its tailnet should offer no password form to guess at.
 */
@Injectable()
export class AccountsEnabledGuard implements CanActivate {
  private readonly enabled: boolean;

  constructor(@Inject(MeshidConfig) config: MeshidConfig) {
    this.enabled = config.identity.includes('account');
  }

  canActivate(): boolean {
    if (!this.enabled) throw new LocalAccountsDisabled();
    return true;
  }
}
