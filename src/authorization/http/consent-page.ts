import type { FastifyReply } from 'fastify';
import type { RegisteredClient } from '../../clients/read-model/client-directory.js';
import { sendContentPage } from './html-page.js';

/** What each scope lets the application have, in the person's words. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your meshid identity',
  profile: 'Your name, username and picture',
  email: 'Your email address',
  groups: 'The groups you belong to',
  offline_access: 'Stay signed in when you are not using it (a refresh token)',
};

/** The consent page: who asks, for what, as whom, and Allow / Deny posting the signed request back. */
export function sendConsentPage(reply: FastifyReply, action: string, client: RegisteredClient, scope: readonly string[], login: string, token: string): void {
  sendContentPage(reply, 200, `Allow ${client.metadata.client_name}?`, {
    paragraphs: [`${client.metadata.client_name} asks to use your account ${login} for:`],
    list: scope.map((s) => SCOPE_DESCRIPTIONS[s] ?? s),
    form: {
      action,
      fields: { consent_token: token },
      buttons: [
        { name: 'decision', value: 'allow', label: 'Allow' },
        { name: 'decision', value: 'deny', label: 'Deny' },
      ],
    },
  });
}
