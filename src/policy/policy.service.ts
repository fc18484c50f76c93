import { Inject, Injectable } from '@nestjs/common';
import { IdentityService } from './identity.service.js';
import { MeshidConfig } from '../config/meshid-config.js';
import { CapabilityPolicy } from './capabilities/capability-policy.js';
import type { Identity } from './identity.js';
import { type IdentitySnapshot, type RecordedIdentity, recordedIdentityOf, snapshotOf } from './identity-snapshot.js';
import { DevIdentityResolver } from './resolvers/dev-identity.resolver.js';
import { TailscaleIdentityResolver } from './tailscale/tailscale-identity.resolver.js';

/** The claims policy adds to a grant's tokens: tsidp's `extraClaims` (reference/tsidp.md §3.2). */
export interface GrantedClaims {
  /** Merged into every ID token, whatever the scope (as tsidp does). */
  idToken: Record<string, unknown>;
  /** Merged into userinfo: the rules with `includeInUserInfo` only. */
  userinfo: Record<string, unknown>;
}

/** A refresh's view of the grant's person: changed or not, or no longer known to the tailnet. */
export type Reidentification = { kind: 'current'; claims: Identity['claims']; identity: IdentitySnapshot } | { kind: 'unchanged' } | { kind: 'gone' };

/**
 * What the people policy has identified may receive and do (DESIGN §5), evaluated from a grant's
 * recorded identity rather than a request, so that it can run again at every refresh and
 * userinfo call: tailnet grants are re-read from tailscaled, the grants file as it is now.
 */
@Injectable()
export class PolicyService {
  constructor(
    private readonly capabilities: CapabilityPolicy,
    private readonly tailscale: TailscaleIdentityResolver,
    private readonly dev: DevIdentityResolver,
    private readonly identities: IdentityService,
    @Inject(MeshidConfig) private readonly config: MeshidConfig,
  ) {}

  /**
   * The extra claims the identity's capability rules grant. `groups` that the identity itself
   * has (tailscaled's UserProfile.Groups) win over `groups` from grants, which fill in only for
   * identities without them.
   */
  grantedClaims(recorded: RecordedIdentity): GrantedClaims {
    if (recorded.snapshot === null) return { idToken: {}, userinfo: {} };
    const decision = this.capabilities.decide(this.rulesOf(recorded));
    const idToken = { ...decision.extraClaims };
    const userinfo = { ...decision.userinfoClaims };
    if (recorded.claims.groups.length > 0) {
      delete idToken['groups'];
      delete userinfo['groups'];
    }
    return { idToken, userinfo };
  }

  /**
   * The audiences or resources (RFC 8707, RFC 8693) the identity may have tokens for, of those
   * requested: tsidp's `users` / `resources` rules (CapabilityPolicy.allowedAudiences). An
   * identity recorded without a snapshot has no rules, so none.
   */
  allowedAudiences(recorded: RecordedIdentity, requested: readonly string[]): string[] {
    if (recorded.snapshot === null || requested.length === 0) return [];
    return this.capabilities.allowedAudiences(this.rulesOf(recorded), recorded.snapshot.login, requested);
  }

  /** Whether the identity's rules say `allow_dcr`: it may register clients (RFC 7591). */
  mayRegisterClients(identity: Identity): boolean {
    return this.capabilities.decide(this.rulesOf(recordedIdentityOf(identity))).allowDcr;
  }

  /** Whether the identity's rules say `allow_admin_ui`: it may use the admin API and web UI. */
  mayAdminister(identity: Identity): boolean {
    return this.capabilities.decide(this.rulesOf(recordedIdentityOf(identity))).allowAdminUi;
  }

  /**
   * Who the grant's person is now, for a refresh. A tailnet identity is asked about again by its
   * node's address: a node removed from the tailnet, or now belonging to someone else, ends the
   * grant (tsidp keeps refreshing its login-time snapshot forever). The dev identity is re-read
   * from the configuration. Proxy-header identities cannot be asked again without a request and
   * keep their snapshot; their grants-file rules are evaluated afresh all the same.
   * Throws IdentityUnavailableError when tailscaled cannot answer.
   */
  async reidentify(recorded: RecordedIdentity, subject: string): Promise<Reidentification> {
    const snapshot = recorded.snapshot;
    if (snapshot === null) return { kind: 'unchanged' };
    let identity: Identity | null;
    if (snapshot.source === 'tailscale' && snapshot.nodeAddress !== undefined && this.config.identity.includes('tailscale')) {
      identity = await this.tailscale.resolveNodeAddress(snapshot.nodeAddress);
      if (identity === null || identity.subject !== subject) return { kind: 'gone' };
    } else if (snapshot.source === 'dev') {
      identity = this.dev.current;
      if (identity === null || identity.subject !== subject) return { kind: 'unchanged' };
    } else if (snapshot.source === 'account') {
      // A local account is read again: deleted or disabled ends the grant, an edit shows at once.
      const current = await this.identities.current('account', subject);
      if (current === undefined) return { kind: 'unchanged' };
      if (current === null) return { kind: 'gone' };
      identity = current;
    } else {
      return { kind: 'unchanged' };
    }
    return { kind: 'current', claims: identity.claims, identity: snapshotOf(identity) };
  }

  private rulesOf({ claims, snapshot }: RecordedIdentity) {
    const { source, login, capabilities } = snapshot!;
    return this.capabilities.rulesFor({ source, login, groups: claims.groups, machine: (claims.tags?.length ?? 0) > 0, capabilities });
  }
}
