import type { FastifyReply } from 'fastify';
import type { RequestParameters } from '../../authorization/http/request-parameters.js';
import { alert, join, link } from '../../common/http/html/html.js';
import { sendHtmlPage } from '../../common/http/html/html-page.js';

/** A page that refuses a request and says where to go instead. */
export function sendRefusal(reply: FastifyReply, status: number, title: string, message: string, next: string, nextLabel = 'Start again'): void {
  sendHtmlPage(reply, title, join([alert(message), link(next, nextLabel)]), { status });
}

/**
 * Refuses a form or query that repeats a field (RFC 6749 §3.1's rule, which meshid's front
 * channel keeps everywhere), naming the fields; true when it did. Checked before anything else,
 * so a repeated field is never reported as an expired form or a bad link.
 */
export function refuseRepeated(reply: FastifyReply, params: RequestParameters, next: string, nextLabel?: string): boolean {
  if (params.repeated.size === 0) return false;
  sendRefusal(reply, 400, 'This request cannot be accepted', `Fields given more than once: ${[...params.repeated].sort().join(', ')}.`, next, nextLabel);
  return true;
}

