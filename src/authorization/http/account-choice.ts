import type { FastifyReply } from 'fastify';
import { anchor, join, list, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage } from '../../common/http/html/html-page.js';
import { signInPath } from '../../sessions/http/return-to.js';

/**
 * The authorization request's parameters as a query string, from the GET query or the POST
 * form as Fastify parsed them (a repeated name is an array), so that the request can be sent
 * to the sign-in page and back unchanged.
 */
export function queryOf(source: unknown): URLSearchParams {
  const query = new URLSearchParams();
  if (typeof source !== 'object' || source === null) return query;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') query.append(name, item);
  }
  return query;
}

/** The same request without one prompt value. */
function withoutPrompt(query: URLSearchParams, value: string): URLSearchParams {
  const copy = new URLSearchParams(query);
  const rest = (copy.get('prompt') ?? '').split(' ').filter((p) => p !== '' && p !== value);
  if (rest.length > 0) copy.set('prompt', rest.join(' '));
  else copy.delete('prompt');
  return copy;
}

/**
 * prompt=select_account (OIDC Core §3.1.2.1): continue as the person this browser is signed in
 * as, or sign in as someone else. Both are links back into the flow (no state changes here, so
 * no form); signing in as someone else ends this browser's session of the other person.
 */
export function sendAccountChoice(reply: FastifyReply, login: string, clientName: string, query: URLSearchParams): void {
  const again = withoutPrompt(query, 'select_account');
  const body = join([
    paragraph(`This browser is signed in as ${login}.`),
    list([anchor(`/authorize?${again}`, `Continue as ${login}`), anchor(signInPath(again), 'Use another account')]),
  ]);
  sendHtmlPage(reply, `Choose an account for ${clientName}`, body);
}
