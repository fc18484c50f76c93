import * as oauth from 'oauth4webapi';

/** Plain http to the loopback test server. */
export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  return oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), INSECURE));
}

/**
 * A sign-in through /authorize with oauth4webapi (authorization code + PKCE), for a server whose
 * dev identity signs the caller in with no prompt; returns the token response.
 */
export async function codeLogin(issuer: string, clientId: string, auth: oauth.ClientAuth, redirectUri: string, scope: string) {
  const as = await discover(issuer);
  const client: oauth.Client = { client_id: clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint!);
  const params = { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const redirect = await fetch(url, { redirect: 'manual' });
  if (redirect.status !== 303) throw new Error(`/authorize answered ${redirect.status}: ${await redirect.text()}`);
  const callback = oauth.validateAuthResponse(as, client, new URL(redirect.headers.get('location')!), oauth.expectNoState);
  const response = await oauth.authorizationCodeGrantRequest(as, client, auth, callback, redirectUri, verifier, INSECURE);
  return oauth.processAuthorizationCodeResponse(as, client, response);
}

/** A client_credentials token (oauth4webapi) with `scope`. */
export async function clientCredentialsToken(issuer: string, clientId: string, secret: string, scope: string): Promise<string> {
  const as = await discover(issuer);
  const client: oauth.Client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(secret), new URLSearchParams({ scope }), INSECURE);
  return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
}
