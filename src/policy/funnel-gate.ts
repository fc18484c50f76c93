import type { FastifyInstance } from 'fastify';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * What a relying party on the internet may reach through Tailscale Funnel: metadata, keys,
 * WebFinger (Tailscale's sign-up looks the issuer up from the internet), and the
 * client-authenticated back channel (/token, /userinfo, /introspect, and /revoke, so that a
 * Funnel client can also clean up the tokens it was given; the issue names the first five, and
 * refusing revocation would only leave live tokens behind). Everything else, /authorize and
 * consent above all (whose caller would be an internet browser no tailnet knows), and in later
 * issues registration and administration, answers 401 access_denied, as tsidp does.
 */
export const FUNNEL_ROUTES: ReadonlySet<string> = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration/*',
  '/.well-known/oauth-authorization-server/*',
  '/.well-known/jwks.json',
  '/.well-known/webfinger',
  '/token',
  '/userinfo',
  '/introspect',
  '/revoke',
]);

/**
 * With sign-in pages (the `account` resolver), the browser side of a sign-in from the internet
 * too: /authorize and its consent, the login, setup and account pages, waiting for an approval,
 * and logout. Approving (/approve) stays tailnet-only: it is the tailnet vouching for someone.
 * Each is a path and everything under it.
 */
export const FUNNEL_SIGN_IN_ROUTES: readonly string[] = ['/authorize', '/end-session', '/login', '/setup', '/account'];

const isSignInRoute = (route: string) => FUNNEL_SIGN_IN_ROUTES.some((path) => route === path || route.startsWith(`${path}/`));

/**
 * Refuses Funnel requests for every route not in FUNNEL_ROUTES (nor, with sign-in pages, in
 * FUNNEL_SIGN_IN_ROUTES), before any handler runs. The route is the one the router matched, so
 * trailing-slash or case variants cannot slip through; an unknown path over Funnel is refused
 * the same way rather than answered 404.
 */
export function installFunnelGate(fastify: FastifyInstance, proxies: TrustedProxies, signInPages: boolean): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (!proxies.viaFunnel(request.raw)) return;
    const route = request.routeOptions.url;
    if (route !== undefined && (FUNNEL_ROUTES.has(route) || (signInPages && isSignInRoute(route)))) return;
    await reply
      .status(401)
      .headers({ 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json' })
      .send({ error: 'access_denied', error_description: 'not available over Tailscale Funnel' });
  });
}
