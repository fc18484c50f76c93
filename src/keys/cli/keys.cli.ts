import { type Command, Option } from 'commander';
import type { KeyView } from '../../admin/api/admin-api.js';
import { adminCommand } from '../../admin/cli/admin-command.js';
import { type AdminFlags, type AdminSession, withAdminApi } from '../../admin/cli/admin-session.js';
import { identifier } from '../../admin/cli/arguments.js';
import { note, printJson, write } from '../../admin/cli/print.js';
import { SIGNING_ALGS, type SigningAlg } from '../domain/signing-keys.events.js';

type Flags = AdminFlags & { json?: boolean; alg?: SigningAlg; now?: boolean; unpublishNow?: boolean };

/** One line per key: kid, alg, status (a retired key out of JWKS is "unpublished") and its times. */
function printKeys(keys: KeyView[], empty: string): void {
  if (keys.length === 0) return write(`${empty}\n`);
  for (const key of keys) {
    const times = [`generated ${key.generated_at}`];
    times.push(key.activated_at ? `active since ${key.activated_at}` : `activates after ${key.activate_after}`);
    if (key.retired_at) times.push(`retired ${key.retired_at}`, `unpublished after ${key.unpublish_after}`);
    const status = key.status === 'retired' && !key.in_jwks ? 'unpublished' : key.status;
    write(`${key.kid}  ${key.alg.padEnd(5)}  ${status.padEnd(11)}  ${times.join(', ')}\n`);
  }
}

/** `meshid keys list|rotate|retire`, offline or with --url. */
export function registerKeyCommands(program: Command, session: AdminSession = withAdminApi): void {
  const keys = program.command('keys').description('signing keys: list, rotate and retire them');

  adminCommand(keys, 'list', 'list signing keys with their status and times (never key material)').action((flags: Flags) =>
    session(flags, async (api) => {
      const listed = await api.listKeys();
      if (flags.json) return printJson(listed);
      printKeys(listed.items, 'no signing keys yet (meshid serve generates them on first start)');
    }),
  );

  adminCommand(keys, 'rotate', 'generate new keys now: published at once, signing after the pre-publication delay')
    .addOption(new Option('--alg <alg>', 'rotate only this algorithm').choices(SIGNING_ALGS))
    .option('--now', 'activate at once, skipping pre-publication (verifiers with a cached JWKS may reject new tokens)')
    .action((flags: Flags) =>
      session(flags, async (api) => {
        if (flags.now) note('warning: --now skips pre-publication: relying parties may reject tokens until they refetch JWKS');
        const rotated = await api.rotateKeys({ ...(flags.alg ? { algs: [flags.alg] } : {}), ...(flags.now ? { immediate: true } : {}) });
        if (flags.json) return printJson(rotated);
        printKeys(rotated.items, 'nothing to rotate: a rotation is already pending (see meshid keys list)');
      }),
    );

  adminCommand(keys, 'retire', 'stop signing with a key (an active one is replaced at once); it stays in JWKS until its tokens expire')
    .argument('<kid>', 'the key id, as keys list shows it', identifier('key id'))
    .option('--unpublish-now', 'the key is compromised: remove it from JWKS now, so every token it signed stops verifying')
    .action((kid: string, flags: Flags) =>
      session(flags, async (api) => {
        if (flags.unpublishNow) note('warning: --unpublish-now: every token this key signed stops verifying, sessions relying on them end');
        const changed = await api.retireKey(kid, flags.unpublishNow ? { unpublish_now: true } : {});
        if (flags.json) return printJson(changed);
        printKeys(changed.items, `key ${kid} was already retired`);
      }),
    );
}
