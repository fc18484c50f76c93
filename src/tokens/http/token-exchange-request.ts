import { readResourceIndicators } from '../../authorization/domain/resource-indicators.js';
import { OAuthError } from '../../common/http/oauth-error.js';
import type { FormParameters } from './form-parameters.js';

/** RFC 8693 §3 token type identifiers meshid reads and issues. */
export const TOKEN_TYPE = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** meshid's access tokens are JWTs, so either identifier names one as an input. */
const INPUT_TYPES: readonly string[] = [TOKEN_TYPE.accessToken, TOKEN_TYPE.jwt];
/** Most audiences plus resources one exchange may name. */
export const MAX_TARGETS = 10;
const MAX_AUDIENCE_LENGTH = 2000;

/** A token-exchange request whose parameters are well-formed (nothing checked against state yet). */
export interface TokenExchangeRequest {
  subjectToken: string;
  actorToken?: string;
  /** `audience` values (logical names) then `resource` values (URIs), distinct, in request order. */
  targets: string[];
  /** A narrower scope; undefined keeps the subject token's. */
  scope?: string[];
}

/**
 * The parameters of RFC 8693 §2.1, each checked for form: the subject token and its type (a meshid
 * access token), the optional actor token and its type, at least one `audience` or `resource`
 * (tsidp requires an audience; a resource names one equally well), an optional `scope`, and
 * `requested_token_type`, which can only be an access token.
 */
export function readTokenExchangeRequest(form: FormParameters): TokenExchangeRequest {
  const subjectToken = form.get('subject_token');
  if (subjectToken === undefined) throw new OAuthError('invalid_request', 'subject_token is required');
  const subjectType = form.get('subject_token_type');
  if (subjectType === undefined) throw new OAuthError('invalid_request', 'subject_token_type is required');
  if (!INPUT_TYPES.includes(subjectType)) throw new OAuthError('invalid_request', `subject_token_type must be ${TOKEN_TYPE.accessToken}`);

  const actorToken = form.get('actor_token');
  const actorType = form.get('actor_token_type');
  if (actorToken === undefined && actorType !== undefined) throw new OAuthError('invalid_request', 'actor_token_type without actor_token');
  if (actorToken !== undefined) {
    if (actorType === undefined) throw new OAuthError('invalid_request', 'actor_token_type is required with actor_token');
    if (!INPUT_TYPES.includes(actorType)) throw new OAuthError('invalid_request', `actor_token_type must be ${TOKEN_TYPE.accessToken}`);
  }

  const requestedType = form.get('requested_token_type');
  if (requestedType !== undefined && requestedType !== TOKEN_TYPE.accessToken) {
    throw new OAuthError('invalid_request', `requested_token_type must be ${TOKEN_TYPE.accessToken}, the only type meshid issues by exchange`);
  }

  const audiences = form.all('audience');
  const badAudience = audiences.find((value) => value.length > MAX_AUDIENCE_LENGTH || /[\u0000-\u001f\u007f]/.test(value));
  if (badAudience !== undefined) throw new OAuthError('invalid_target', 'an audience must be at most 2000 characters, without control characters');
  const resources = readResourceIndicators(form.all('resource'));
  if (!resources.ok) throw new OAuthError('invalid_target', resources.description);
  const targets = [...new Set([...audiences, ...resources.resources])];
  if (targets.length === 0) throw new OAuthError('invalid_request', 'audience or resource is required: name the service the new token is for');
  if (targets.length > MAX_TARGETS) throw new OAuthError('invalid_target', `at most ${MAX_TARGETS} audience and resource values are accepted`);

  const scopeText = form.get('scope');
  return {
    subjectToken,
    targets,
    ...(actorToken !== undefined ? { actorToken } : {}),
    ...(scopeText !== undefined ? { scope: [...new Set(scopeText.split(' ').filter(Boolean))] } : {}),
  };
}
