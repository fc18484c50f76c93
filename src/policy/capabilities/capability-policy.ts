import { Inject, Injectable, Logger } from '@nestjs/common';
import { MeshidConfig } from '../../config/meshid-config.js';
import type { Identity, IdentitySource } from '../identity.js';
import { type CapRule, parseCapRules } from './cap-rule.js';
import { extraClaimsForUserinfo, mergeExtraClaims } from './extra-claims.js';
import { GrantsFile } from './grants-file.js';

/** The part of an identity capability rules depend on (the snapshot an authorization code keeps). */
export interface CapabilitySubject {
  source: IdentitySource;
  login: string;
  groups: readonly string[];
  /** A tagged (machine) identity. */
  machine: boolean;
  /** The raw tsidp rules that came with the identity. */
  capabilities: unknown[];
}

/** What the rules allow, as one decision. */
export interface CapabilityDecision {
  allowAdminUi: boolean;
  allowDcr: boolean;
  /** For the ID token (all rules). */
  extraClaims: Record<string, unknown>;
  /** For /userinfo (only rules with includeInUserInfo). */
  userinfoClaims: Record<string, unknown>;
}

/** The capability subject of an identity; a machine identity is one with tags. */
export function capabilitySubjectOf(identity: Identity): CapabilitySubject {
  return {
    source: identity.source,
    login: identity.login,
    groups: identity.claims.groups,
    machine: (identity.claims.tags?.length ?? 0) > 0 || (identity.node?.tags.length ?? 0) > 0,
    capabilities: identity.capabilities,
  };
}

/** Distinct warnings remembered before the memory is cleared, so it cannot grow without bound. */
const MAX_REMEMBERED_WARNINGS = 1000;

/**
 * What an identity may do (DESIGN §5, tsidp.md §4.1): the tsidp rules that came with the identity
 * plus, for identities that do not come from tailscaled, those of the local grants file. Tailnet
 * identities get their grants from the tailnet policy only, so a local file cannot widen them.
 * Problems with rules are logged once per distinct message, not on every login.
 */
@Injectable()
export class CapabilityPolicy {
  private readonly logger = new Logger('Policy');
  private readonly warned = new Set<string>();
  private readonly grantsFile: GrantsFile | undefined;

  /** Logs a warning the first time its text is seen. */
  private readonly warn = (message: string): void => {
    if (this.warned.has(message)) return;
    if (this.warned.size >= MAX_REMEMBERED_WARNINGS) this.warned.clear();
    this.warned.add(message);
    this.logger.warn(message);
  };

  constructor(@Inject(MeshidConfig) config: Pick<MeshidConfig, 'grantsFile'>) {
    this.grantsFile =
      config.grantsFile === undefined
        ? undefined
        : GrantsFile.open(config.grantsFile, {
            warn: this.warn,
            error: (message) => this.logger.error(message),
            log: (message) => this.logger.log(message),
          });
  }

  /** The valid rules that apply to the subject: its own first, then the grants file's. */
  rulesFor(subject: CapabilitySubject): CapRule[] {
    const own = parseCapRules(subject.capabilities, `${subject.source} identity ${subject.login}`, this.warn);
    if (subject.source === 'tailscale' || this.grantsFile === undefined) return own;
    return [...own, ...this.grantsFile.rulesFor(subject)];
  }

  /** Admin UI and DCR are each the OR over the rules (default deny); extra claims are merged. */
  decide(rules: readonly CapRule[]): CapabilityDecision {
    return {
      allowAdminUi: rules.some((rule) => rule.allowAdminUi),
      allowDcr: rules.some((rule) => rule.allowDcr),
      extraClaims: mergeExtraClaims(rules, this.warn),
      userinfoClaims: extraClaimsForUserinfo(rules, this.warn),
    };
  }

  /**
   * The requested audiences / resources the login may have (tsidp.md §4.1), in request order
   * without duplicates: each needs one rule whose `users` has `*` or the exact login and whose
   * `resources` has `*` or the exact value. One rule cannot supply the user and another the
   * resource.
   */
  allowedAudiences(rules: readonly CapRule[], login: string, requested: readonly string[]): string[] {
    const forLogin = rules.filter((rule) => rule.users.includes('*') || rule.users.includes(login));
    const allowed = requested.filter((value) => forLogin.some((rule) => rule.resources.includes('*') || rule.resources.includes(value)));
    return [...new Set(allowed)];
  }
}
