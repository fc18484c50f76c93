import { type Html, liveStatus } from '../../common/http/html/html.js';
import type { PageScript } from '../../common/http/html/html-page.js';

/**
 * The script of the pages that use passkeys (assets/passkey.js), served from our own origin by
 * AccountsAssetsController; deferred, so it finds the buttons it drives.
 */
export const PASSKEY_SCRIPT: PageScript = { src: '/login/assets/passkey.js', defer: true };

/** Where the script reports a passkey ceremony's failure (it looks the element up by this id). */
export const passkeyStatus = (): Html => liveStatus('passkey-status');
