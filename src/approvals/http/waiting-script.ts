import type { PageScript } from '../../common/http/html/html-page.js';

/** The waiting page's Continue form, which the script submits. */
export const WAITING_FORM_ID = 'approval-continue';

/**
 * The waiting page's script, served from meshid's origin (never inline) by
 * WaitingBrowserController; it ends the page, after the form it submits.
 */
export const WAITING_PAGE_SCRIPT: PageScript = { src: '/login/approve/waiting.js', defer: false };

/**
 * The waiting page's script: asks /login/approve/status every two seconds and, once the request
 * is no longer pending, submits the page's Continue form, so the server says what happened (and
 * signs the browser in). Without it, the person presses Continue themselves.
 */
export const WAITING_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('${WAITING_FORM_ID}');
  if (!form) return;
  function poll() {
    fetch('/login/approve/status', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body && body.status === 'pending') setTimeout(poll, 2000);
        else form.submit();
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
`;
