import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';
import { isSessionId } from '../../sessions/domain/session-id.js';
import type { CodeRequest } from './authorization-responses.js';
import type { ValidAuthorizeRequest } from './authorize-request.js';

/** How long a consent page may wait for its answer. */
export const CONSENT_TOKEN_TTL_MS = 5 * 60_000;
/** Longer tokens are refused unread: state and nonce (2048 each) and the redirect URI fit well under it. */
export const MAX_CONSENT_TOKEN_LENGTH = 16 * 1024;
const PURPOSE = 'consent token';

/** The validated authorization request the consent page asks about, bound to one session. */
export interface ConsentRequest extends CodeRequest {
  sessionId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export type OpenedConsent = { ok: true; request: ConsentRequest } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * The consent form's token: `base64url(JSON) "." MAC`, the MAC under a key derived from the
 * server pepper for this purpose only. It carries the request /authorize already validated, so
 * nothing needs storing between the page and the answer; it names the session the page was
 * shown to, so a token lifted from one browser is useless in another (it is also the form's
 * CSRF protection). Not single use: answering twice within its life issues two codes, exactly
 * as going through /authorize twice would.
 */
@Injectable()
export class ConsentTokens {
  constructor(
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  issue(request: ValidAuthorizeRequest, sessionId: string): string {
    const body: ConsentRequest = {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      ...(request.state !== undefined ? { state: request.state } : {}),
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      ...(request.codeChallenge !== undefined ? { codeChallenge: request.codeChallenge } : {}),
      ...(request.resources.length > 0 ? { resources: request.resources } : {}),
      sessionId,
      expiresAt: this.clock.now() + CONSENT_TOKEN_TTL_MS,
    };
    const encoded = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
    return `${encoded}.${this.hasher.mac(PURPOSE, encoded)}`;
  }

  /** The request a genuine, unexpired token carries; the MAC is checked before anything is parsed. */
  open(token: string): OpenedConsent {
    const dot = token.lastIndexOf('.');
    if (token.length > MAX_CONSENT_TOKEN_LENGTH || dot <= 0) return { ok: false, reason: 'invalid' };
    const encoded = token.slice(0, dot);
    if (!this.hasher.verifyMac(PURPOSE, encoded, token.slice(dot + 1))) return { ok: false, reason: 'invalid' };
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    const request = consentRequestOf(body);
    if (request === null) return { ok: false, reason: 'invalid' };
    if (this.clock.now() > request.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, request };
  }
}

/** The payload's fields, each of the type it must have; null if any is not (a token of another version). */
function consentRequestOf(body: unknown): ConsentRequest | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const optional = (value: unknown) => value === undefined || typeof value === 'string';
  const ok =
    typeof b['clientId'] === 'string' &&
    typeof b['redirectUri'] === 'string' &&
    Array.isArray(b['scope']) &&
    b['scope'].every((s) => typeof s === 'string') &&
    optional(b['state']) &&
    optional(b['nonce']) &&
    optional(b['codeChallenge']) &&
    (b['resources'] === undefined || (Array.isArray(b['resources']) && b['resources'].every((r) => typeof r === 'string'))) &&
    isSessionId(b['sessionId']) &&
    typeof b['expiresAt'] === 'number' &&
    Number.isFinite(b['expiresAt']);
  return ok ? (b as unknown as ConsentRequest) : null;
}
