import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { SecretHasher } from '../../crypto/secret-hasher.js';

/** How long a browser has to answer a WebAuthn challenge. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
const PURPOSE = 'webauthn challenge';
const USED_PURPOSE = 'webauthn challenge used';
const MAX_TOKEN_LENGTH = 1024;

export type ChallengeKind = 'authentication' | 'registration';

export interface IssuedChallenge {
  /** The challenge for the browser (base64url of 32 random bytes). */
  challenge: string;
  /** What the page posts back with the answer: the challenge, its kind and expiry, MAC'd. */
  challengeToken: string;
}

interface ChallengeBody {
  c: string;
  k: ChallengeKind;
  e: number;
}

/**
 * Stateless WebAuthn challenges: the server keeps nothing between options and answer; the token
 * says which challenge it issued, for what, until when, under a MAC only it can make. Being
 * stateless, a token is not single use by itself: an assertion is accepted once because the
 * sign-in records the challenge's `usedDigest` in AccountSignedIn (at the loaded revision), and a
 * registration only ever adds a credential id an account can hold once.
 */
@Injectable()
export class WebauthnChallenges {
  constructor(
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  issue(kind: ChallengeKind): IssuedChallenge {
    const body: ChallengeBody = { c: randomBytes(32).toString('base64url'), k: kind, e: this.clock.now() + CHALLENGE_TTL_MS };
    const encoded = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
    return { challenge: body.c, challengeToken: `${encoded}.${this.hasher.mac(PURPOSE, encoded)}` };
  }

  /** The challenge a genuine, unexpired token of `kind` carries, or null. The MAC is checked before anything is parsed. */
  open(token: unknown, kind: ChallengeKind): string | null {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const encoded = token.slice(0, dot);
    if (!this.hasher.verifyMac(PURPOSE, encoded, token.slice(dot + 1))) return null;
    let body: Partial<ChallengeBody>;
    try {
      body = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Partial<ChallengeBody>;
    } catch {
      return null;
    }
    if (body.k !== kind || typeof body.c !== 'string' || typeof body.e !== 'number' || this.clock.now() > body.e) return null;
    return body.c;
  }

  /** What AccountSignedIn records of an answered challenge (a MAC, so the log never holds it). */
  usedDigest(challenge: string): string {
    return this.hasher.mac(USED_PURPOSE, challenge);
  }
}
