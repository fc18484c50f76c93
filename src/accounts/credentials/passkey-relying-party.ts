import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { MeshidConfig } from '../../config/meshid-config.js';
import { PasskeyRejectedError } from '../domain/account.errors.js';
import type { StoredPasskey } from '../domain/account.evolver.js';
import { type PasskeyCredential, passkeyNameViolation } from './passkey-credential.js';
import { WebauthnChallenges } from './webauthn-challenges.js';

export interface RegistrationRequest {
  accountId: string | null;
  login: string;
  name: string;
  excludeCredentialIds: readonly string[];
}

/** A verified assertion: which credential answered, its new counter, and the challenge it answered. */
export interface VerifiedAssertion {
  credentialId: string;
  newCounter: number;
  challenge: string;
}

/**
 * meshid as a WebAuthn relying party. The RP ID is the issuer's host name and the only origin
 * accepted is the issuer's, so a passkey made for meshid works nowhere else and an answer relayed
 * from another site fails. User verification is required: a passkey is the only factor.
 */
@Injectable()
export class PasskeyRelyingParty {
  readonly rpId: string;
  readonly origin: string;

  constructor(
    @Inject(MeshidConfig) config: MeshidConfig,
    private readonly challenges: WebauthnChallenges,
  ) {
    const issuer = new URL(config.issuer);
    this.rpId = issuer.hostname;
    this.origin = issuer.origin;
  }

  /** Options for a discoverable-credential sign-in (no login typed first: the authenticator offers its passkeys). */
  async authenticationOptions(): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challengeToken: string }> {
    const { challenge, challengeToken } = this.challenges.issue('authentication');
    // As bytes: the library would encode a string challenge's UTF-8, and the browser would sign that.
    const options = await generateAuthenticationOptions({ rpID: this.rpId, challenge: Buffer.from(challenge, 'base64url'), userVerification: 'required', timeout: 300_000 });
    return { options, challengeToken };
  }

  async registrationOptions(request: RegistrationRequest): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; challengeToken: string }> {
    const { challenge, challengeToken } = this.challenges.issue('registration');
    const options = await generateRegistrationOptions({
      rpName: 'meshid',
      rpID: this.rpId,
      userName: request.login,
      userDisplayName: request.name,
      // The user handle is opaque (WebAuthn §14.6.1): the account id, or random bytes before the account exists.
      userID: request.accountId === null ? randomBytes(16) : new Uint8Array(Buffer.from(request.accountId, 'utf8')),
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: 300_000,
      attestationType: 'none',
      excludeCredentials: request.excludeCredentialIds.map((id) => ({ id })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    return { options, challengeToken };
  }

  /** The credential a registration answer creates, verified against the token's challenge; throws PasskeyRejectedError. */
  async verifyRegistration(response: unknown, challengeToken: unknown, name: string): Promise<PasskeyCredential> {
    const nameProblem = passkeyNameViolation(name);
    if (nameProblem !== null) throw new PasskeyRejectedError(nameProblem);
    const challenge = this.challenges.open(challengeToken, 'registration');
    if (challenge === null) throw new PasskeyRejectedError('the challenge is invalid or expired; try again');
    if (!isResponseJson(response)) throw new PasskeyRejectedError('malformed response');
    let verification;
    try {
      verification = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        requireUserVerification: true,
      });
    } catch (error) {
      throw new PasskeyRejectedError(rejectionReason(error));
    }
    if (!verification.verified) throw new PasskeyRejectedError('the registration did not verify');
    const { credential } = verification.registrationInfo;
    return {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: [...(credential.transports ?? [])],
      name: name.trim(),
    };
  }

  /** The credential id an assertion claims to be from (unverified: for finding the account), or null. */
  credentialIdOf(response: unknown): string | null {
    return isResponseJson(response) && typeof response['id'] === 'string' && /^[A-Za-z0-9_-]{1,1364}$/.test(response['id']) ? response['id'] : null;
  }

  /** The challenge the token carries (null: invalid or expired). */
  openAuthenticationChallenge(challengeToken: unknown): string | null {
    return this.challenges.open(challengeToken, 'authentication');
  }

  /**
   * Verifies an assertion by `passkey` for `challenge`: signature, origin, RP ID, user
   * verification, and that the signature counter moved forward (the library refuses a counter not
   * above the stored one unless both are 0: authenticators that keep no counter).
   */
  async verifyAssertion(response: unknown, challenge: string, passkey: StoredPasskey): Promise<VerifiedAssertion> {
    try {
      const verification = await verifyAuthenticationResponse({
        response: response as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports },
        requireUserVerification: true,
      });
      if (!verification.verified) throw new PasskeyRejectedError('the assertion did not verify');
      return { credentialId: passkey.credentialId, newCounter: verification.authenticationInfo.newCounter, challenge };
    } catch (error) {
      if (error instanceof PasskeyRejectedError) throw error;
      throw new PasskeyRejectedError(rejectionReason(error));
    }
  }

  usedDigest(challenge: string): string {
    return this.challenges.usedDigest(challenge);
  }
}

function isResponseJson(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>)['response'] === 'object';
}

/**
 * Why the library refused an answer, as the person may read it (the setup and account pages show
 * it). Its own verdicts are Errors whose text names the check that failed ("Unexpected
 * registration response origin"); a TypeError, SyntaxError... is the library tripping over an
 * answer of the wrong shape, and its text is about code, not the answer ("x.get is not a function").
 */
function rejectionReason(error: unknown): string {
  const engineError = error instanceof TypeError || error instanceof SyntaxError || error instanceof RangeError || error instanceof ReferenceError;
  return error instanceof Error && !engineError ? error.message : 'malformed response';
}
