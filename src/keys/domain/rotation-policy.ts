import type { MeshidConfig } from '../../config/meshid-config.js';
import type { SealedSecret } from '../../crypto/key-encryption.js';
import { type PublicJwk, SIGNING_ALGS, type SigningAlg, type SigningKeyEvent } from './signing-keys.events.js';
import type { SigningKeyRecord, SigningKeyStatus, SigningKeysState } from './signing-keys.evolver.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface RotationPolicy {
  /** The algs that always have an active key. */
  algs: readonly SigningAlg[];
  /**
   * How long a new key is in JWKS before it signs. Must exceed projection lag plus the JWKS cache
   * lifetime, so every verifier that fetched JWKS can already see a key before it signs.
   */
  prePublicationMs: number;
  /** Age of the active key at which a successor is generated. */
  rotationIntervalMs: number;
  /** Longest lifetime of a token we sign (ID and access tokens); refresh tokens are opaque. */
  maxTokenLifetimeMs: number;
  /** How often the scheduler re-evaluates at most. */
  checkIntervalMs: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  algs: SIGNING_ALGS,
  prePublicationMs: 10 * MINUTE,
  rotationIntervalMs: 30 * DAY,
  maxTokenLifetimeMs: DAY,
  checkIntervalMs: 5 * MINUTE,
};

/**
 * The policy for a configuration: its rotation interval, and its token lifetimes, with a floor of
 * a day so that an expired ID token can still serve as `id_token_hint` at logout for that long.
 */
export function rotationPolicyFor(config: Pick<MeshidConfig, 'signingKeyRotationDays' | 'accessTokenLifetime' | 'idTokenLifetime'>): RotationPolicy {
  return {
    ...DEFAULT_ROTATION_POLICY,
    rotationIntervalMs: config.signingKeyRotationDays * DAY,
    maxTokenLifetimeMs: Math.max(DAY, config.accessTokenLifetime * 1000, config.idTokenLifetime * 1000),
  };
}

/**
 * JWKS `max-age` in seconds: a quarter of the pre-publication delay, at most 5 minutes, so a
 * cached JWKS is always refetched well before a key it lacked starts signing.
 */
export function jwksMaxAgeSeconds(policy: RotationPolicy): number {
  return Math.max(0, Math.min(300, Math.floor(policy.prePublicationMs / 4000)));
}

/**
 * When a key retired at `retiredAt` leaves JWKS: after the longest token lifetime, plus the
 * pre-publication delay as allowance for a replica whose projection still signs with it briefly.
 */
export function unpublishAfter(retiredAt: number, policy: RotationPolicy): number {
  return retiredAt + policy.maxTokenLifetimeMs + policy.prePublicationMs;
}

/**
 * An operator's rotation. `seen` is the status of every key when the request first looked: if
 * any key of an alg changed since, someone else rotated it, so a retry never rotates twice.
 */
export interface RotationRequest {
  algs: readonly SigningAlg[];
  /** Skip the pre-publication delay (verifiers with a cached JWKS may reject new tokens). */
  immediate: boolean;
  seen: ReadonlyMap<string, SigningKeyStatus>;
}

/** What to do for one alg now. `retire` is the active kid the new one replaces. */
export type KeyDecision =
  | { kind: 'generate'; alg: SigningAlg; activateAfter: number }
  | { kind: 'generate-and-activate'; alg: SigningAlg; retire?: string }
  | { kind: 'activate'; alg: SigningAlg; kid: string; retire?: string };

/** Key material for a `generate*` decision, made outside this pure module. */
export interface NewKeyMaterial {
  kid: string;
  publicJwk: PublicJwk;
  privateKey: SealedSecret;
}

export function keysOf(state: SigningKeysState, alg: SigningAlg): SigningKeyRecord[] {
  return Object.values(state.keys).filter((key) => key.alg === alg);
}

/** The key of `alg` generated but not yet active (at most one: a rotation in progress). */
export function pendingKey(state: SigningKeysState, alg: SigningAlg): SigningKeyRecord | undefined {
  return keysOf(state, alg).find((key) => key.status === 'published');
}

/**
 * The decisions for `now`, per alg:
 * - no key at all: generate and activate at once (nothing was signed or cached, nothing to wait for);
 * - a pending key whose `activateAfter` passed (or an immediate request): activate it, retire the old;
 * - no pending key and the active one is older than the interval, or rotation requested: generate
 *   a key that is published now and activates after the pre-publication delay.
 * Empty when there is nothing to do, so re-deciding after a lost race is a no-op.
 */
export function planKeyDecisions(state: SigningKeysState, now: number, policy: RotationPolicy, request?: RotationRequest): KeyDecision[] {
  const decisions: KeyDecision[] = [];
  const algs = [...new Set([...policy.algs, ...(request?.algs ?? [])])];
  for (const alg of algs) {
    const active = state.active[alg];
    const pending = pendingKey(state, alg);
    const requested = request !== undefined && request.algs.includes(alg);
    const immediate = requested && request.immediate;
    // Someone else rotated this alg since the request looked: it is done.
    const rotatedMeanwhile = requested && keysOf(state, alg).some((key) => request.seen.get(key.kid) !== key.status);
    if (active === undefined && pending === undefined) {
      if (!rotatedMeanwhile) decisions.push({ kind: 'generate-and-activate', alg });
    } else if (pending !== undefined) {
      if (now >= Date.parse(pending.activateAfter) || active === undefined || (immediate && !rotatedMeanwhile)) {
        decisions.push({ kind: 'activate', alg, kid: pending.kid, ...(active ? { retire: active } : {}) });
      }
    } else if (active !== undefined) {
      const activatedAt = Date.parse(state.keys[active]!.activatedAt!);
      const due = now >= activatedAt + policy.rotationIntervalMs;
      if (immediate && !rotatedMeanwhile) decisions.push({ kind: 'generate-and-activate', alg, retire: active });
      else if (due || (requested && !rotatedMeanwhile)) {
        decisions.push({ kind: 'generate', alg, activateAfter: now + policy.prePublicationMs });
      }
    }
  }
  return decisions;
}

/** The events of one decision, in order; `material` is required for the `generate*` kinds. */
export function decisionEvents(decision: KeyDecision, now: number, policy: RotationPolicy, material?: NewKeyMaterial): SigningKeyEvent[] {
  const at = new Date(now).toISOString();
  const { alg } = decision;
  const events: SigningKeyEvent[] = [];
  let activate: string | undefined;
  if (decision.kind === 'activate') activate = decision.kid;
  else {
    if (!material) throw new Error(`key material required to ${decision.kind} ${alg}`);
    const activateAfter = decision.kind === 'generate' ? new Date(decision.activateAfter).toISOString() : at;
    const { kid, publicJwk, privateKey } = material;
    events.push({ type: 'SigningKeyGenerated', data: { kid, alg, publicJwk, privateKey, generatedAt: at, activateAfter } });
    if (decision.kind === 'generate-and-activate') activate = kid;
  }
  if (decision.kind !== 'generate' && decision.retire !== undefined) {
    const until = new Date(unpublishAfter(now, policy)).toISOString();
    events.push({ type: 'SigningKeyRetired', data: { kid: decision.retire, alg, retiredAt: at, unpublishAfter: until } });
  }
  if (activate !== undefined) events.push({ type: 'SigningKeyActivated', data: { kid: activate, alg, activatedAt: at } });
  return events;
}

/** Whether a key is in JWKS at `now`: pending and active keys are, retired ones until `unpublishAfter`. */
export function publishedAt(key: { status: SigningKeyStatus; unpublishAfter?: string | null }, now: number): boolean {
  return key.status !== 'retired' || (typeof key.unpublishAfter === 'string' && now < Date.parse(key.unpublishAfter));
}

/** The keys in JWKS at `now`. */
export function publishedKeys(state: SigningKeysState, now: number): SigningKeyRecord[] {
  return Object.values(state.keys).filter((key) => publishedAt(key, now));
}

/** When the policy next has something to do (an activation or a rotation falls due). */
export function nextDueAt(state: SigningKeysState, policy: RotationPolicy): number | undefined {
  const times: number[] = [];
  for (const alg of policy.algs) {
    const pending = pendingKey(state, alg);
    const active = state.active[alg];
    if (pending) times.push(Date.parse(pending.activateAfter));
    else if (active) times.push(Date.parse(state.keys[active]!.activatedAt!) + policy.rotationIntervalMs);
    else times.push(0);
  }
  return times.length > 0 ? Math.min(...times) : undefined;
}
