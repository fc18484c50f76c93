// meshid's passkey pages (sign in, setup links, account page). Served from meshid's own origin
// under `script-src 'self'`: no inline script, no third-party code. It only runs the WebAuthn
// ceremonies; the server decides everything (options, verification, where to go next).
'use strict';

(function () {
  const status = document.getElementById('passkey-status');
  const say = (text) => {
    if (status) status.textContent = text;
  };

  const toBuffer = (base64url) => {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
  };
  const toBase64url = (buffer) => {
    let binary = '';
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const withIds = (list) => (list || []).map((c) => ({ ...c, id: toBuffer(c.id) }));

  /** The server's options (JSON, base64url) as the browser's API wants them (buffers). */
  const creationOptions = (o) => ({ ...o, challenge: toBuffer(o.challenge), user: { ...o.user, id: toBuffer(o.user.id) }, excludeCredentials: withIds(o.excludeCredentials) });
  const requestOptions = (o) => ({ ...o, challenge: toBuffer(o.challenge), allowCredentials: withIds(o.allowCredentials) });

  /** A credential as JSON (WebAuthn Level 3 toJSON), built by hand where the browser lacks it. */
  const credentialJson = (credential) => {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    const r = credential.response;
    const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response,
    };
  };

  const postJson = async (url, body) => {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      // not JSON: the generic message below
    }
    return { ok: response.ok, answer };
  };

  const field = (form, name) => (form.elements.namedItem(name) ? form.elements.namedItem(name).value : undefined);

  /** Sign in: options, the authenticator's assertion, then the server says where to go. */
  async function signIn(form) {
    const csrf = field(form, 'csrf');
    const returnTo = field(form, 'return_to');
    const started = await postJson('/login/passkey/options', { csrf });
    if (!started.ok) return say(started.answer.error || 'Passkeys are unavailable right now.');
    const credential = await navigator.credentials.get({ publicKey: requestOptions(started.answer.options) });
    if (!credential) return say('No passkey was chosen.');
    const body = { csrf, challengeToken: started.answer.challengeToken, response: credentialJson(credential) };
    if (returnTo) body.return_to = returnTo;
    const finished = await postJson('/login/passkey', body);
    if (!finished.ok) return say(finished.answer.error || 'Signing in with that passkey did not work.');
    window.location.assign(finished.answer.location);
  }

  /**
   * Add a passkey (setup link, account page): the form's other fields go to the options URL the
   * button names, the new credential goes into the form's hidden fields, and the form is
   * submitted as any other, so the server answers with a page.
   */
  async function register(form, button) {
    if (!form.reportValidity()) return;
    const fields = {};
    for (const [name, value] of new FormData(form)) if (typeof value === 'string' && name !== 'passkey_response') fields[name] = value;
    const started = await postJson(button.dataset.options, fields);
    if (!started.ok) return say(started.answer.error || 'Passkeys are unavailable right now.');
    const credential = await navigator.credentials.create({ publicKey: creationOptions(started.answer.options) });
    if (!credential) return say('No passkey was created.');
    form.elements.namedItem('passkey_response').value = JSON.stringify(credentialJson(credential));
    form.elements.namedItem('challenge_token').value = started.answer.challengeToken;
    form.submit();
  }

  const ceremonies = { 'passkey-login': signIn, 'passkey-register': register };
  const buttons = document.querySelectorAll('button[data-action]');
  if (!window.PublicKeyCredential || !navigator.credentials) {
    if (buttons.length > 0) say('This browser cannot use passkeys.');
    return;
  }
  for (const button of buttons) {
    const ceremony = ceremonies[button.dataset.action];
    if (!ceremony) continue;
    button.disabled = false;
    button.addEventListener('click', async () => {
      say('');
      button.disabled = true;
      try {
        await ceremony(button.form, button);
      } catch (error) {
        say(error && error.name === 'NotAllowedError' ? 'The passkey request was cancelled or timed out.' : 'The passkey could not be used: ' + (error && error.message ? error.message : String(error)));
      } finally {
        button.disabled = false;
      }
    });
  }
})();
