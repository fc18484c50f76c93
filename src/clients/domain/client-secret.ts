import { SecretHasher } from '../../crypto/secret-hasher.js';
import { isConfidential, type TokenEndpointAuthMethod } from './client-metadata.js';
import { InvalidClientMetadataError } from './client.errors.js';

/**
 * What a given (imported) secret must be. Secrets are kept as a fast HMAC (see SecretHasher),
 * which is only safe for high-entropy secrets: a short one is refused rather than stored
 * guessable. tsidp's are 64 hex characters; meshid's own, 43 base64url ones.
 */
const GIVEN_SECRET = /^[\x21-\x7e]{32,512}$/;

/**
 * The secret of a new client: the given one (an import keeps the secret its relying party has),
 * or a new random one; none for a public client, which may not be given one either.
 */
export function newClientSecret(method: TokenEndpointAuthMethod, given?: string): string | undefined {
  if (given === undefined) return isConfidential(method) ? SecretHasher.generate() : undefined;
  if (!isConfidential(method)) throw new InvalidClientMetadataError([{ field: 'client_secret', message: 'a public client (token_endpoint_auth_method none) has no secret' }]);
  if (!GIVEN_SECRET.test(given)) throw new InvalidClientMetadataError([{ field: 'client_secret', message: 'must be 32-512 visible ASCII characters (a high-entropy secret)' }]);
  return given;
}
