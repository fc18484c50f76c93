import { Inject, Injectable } from '@nestjs/common';
import { ACCOUNT_SUBJECT_PREFIX } from '../accounts/domain/account.events.js';
import { AccountDirectory } from '../accounts/read-model/account-directory.js';
import { MeshidConfig } from '../config/meshid-config.js';
import { isRealEmail } from '../policy/claim-rules.js';
import { GrantDirectory } from '../tokens/read-model/grant-directory.js';
import { type AcctResource, isAddressOf } from './webfinger-resource.js';

/**
 * Which addresses meshid is the OpenID provider of, for WebFinger: every address at a configured
 * domain (MESHID_WEBFINGER_DOMAINS), each configured address (MESHID_WEBFINGER_ACCOUNTS), the
 * verified email of an enabled local account (when the `account` resolver is on, else nobody can
 * sign in with one), and the tailnet login of anyone who has signed in here (a grant records it),
 * if it is a real mailbox rather than a pseudo-address such as `bob@github`. Read models lag the
 * log by the projections' delay; an account created a moment ago may be unknown for that long.
 */
@Injectable()
export class WebfingerDirectory {
  private readonly domains: ReadonlySet<string>;
  private readonly accountsEnabled: boolean;

  constructor(
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
    private readonly accounts: AccountDirectory,
    private readonly grants: GrantDirectory,
  ) {
    this.domains = new Set(config.webfingerDomains.map((domain) => domain.toLowerCase()));
    this.accountsEnabled = config.identity.includes('account');
  }

  async knows(account: AcctResource): Promise<boolean> {
    if (this.domains.has(account.domain)) return true;
    if (this.config.webfingerAccounts.some((address) => isAddressOf(address, account))) return true;
    const address = `${account.local}@${account.domain}`;
    // A local account's login may look like an address; only its verified email counts (below).
    const signedIn = this.grants.loginsLike(address).filter((grant) => !grant.subject.startsWith(ACCOUNT_SUBJECT_PREFIX));
    if (signedIn.some((grant) => isRealEmail(grant.login) && isAddressOf(grant.login, account))) return true;
    if (!this.accountsEnabled) return false;
    const accounts = await this.accounts.byEmail(address);
    return accounts.some((local) => !local.disabled && local.emailVerified && local.email !== null && isAddressOf(local.email, account));
  }
}
