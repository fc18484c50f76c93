import type { FastifyReply } from 'fastify';
import { alert, join, link } from '../../common/http/html/html.js';
import { sendHtmlPage } from '../../common/http/html/html-page.js';

/** A page that refuses a request and says where to go instead. */
export function sendRefusal(reply: FastifyReply, status: number, title: string, message: string, next: string, nextLabel = 'Start again'): void {
  sendHtmlPage(reply, title, join([alert(message), link(next, nextLabel)]), { status });
}
