import type { FastifyReply } from 'fastify';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { button, form, hidden, join, list, paragraph } from '../../common/http/html/html.js';
import { sendHtmlPage } from '../../common/http/html/html-page.js';

/** What each scope lets the application have, in the person's words. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your meshid identity',
  profile: 'Your name, username and picture',
  email: 'Your email address',
  groups: 'The groups you belong to',
  offline_access: 'Stay signed in when you are not using it (a refresh token)',
};

/** What the page asks about: the validated request. */
export interface ConsentQuestion {
  client: RegisteredClient;
  scope: readonly string[];
  resources: readonly string[];
  redirectUri: string;
  /** The client's name is its own claim (a metadata document anyone may publish): show where it lives. */
  selfDescribed: boolean;
}

/**
 * The consent page: who asks, for what, as whom, where the answer goes, and Allow / Deny posting
 * the signed request back. The redirect URI's origin is shown because a name can lie but the
 * place the code is delivered to cannot.
 */
export function sendConsentPage(reply: FastifyReply, action: string, question: ConsentQuestion, login: string, token: string): void {
  const { client } = question;
  const name = client.metadata.client_name;
  const body = join([
    paragraph(`${name} asks to use your account ${login} for:`),
    list([...question.scope.map((s) => SCOPE_DESCRIPTIONS[s] ?? s), ...question.resources.map((resource) => `Access to ${resource}`)]),
    question.selfDescribed && paragraph(`${name} describes itself at ${client.clientId}; meshid does not vouch for it.`),
    paragraph(`If you allow it, you will be sent back to ${destination(question.redirectUri)}.`),
    form('consent', action, [
      hidden('consent_token', token),
      button({ label: 'Allow', name: 'decision', value: 'allow' }),
      button({ label: 'Deny', name: 'decision', value: 'deny' }),
    ]),
  ]);
  sendHtmlPage(reply, `Allow ${name}?`, body);
}

/** Where a redirect URI leads, for people: its web origin, or the app scheme of a native app's URI. */
function destination(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.origin !== 'null' ? url.origin : `the app ${url.protocol}`;
}
