import type { StateAt } from './point-in-time-state.js';
import type { ProjectionComparison } from './replay-comparison.js';
import { formatRowKey, type TableDiff } from './table-diff.js';

/*
 * The readable forms of `audit replay` and `audit at`. Both are results, so they go to stdout;
 * the JSON forms are the same objects as they are.
 */

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

function tableLines(table: TableDiff): string[] {
  if (table.equal) return [`  ${table.table}: equal`];
  if (table.schemaDifference !== undefined) return [`  ${table.table}: ${table.schemaDifference}`];
  const columns = table.differingColumns.length > 0 ? ` (${table.differingColumns.join(', ')})` : '';
  const lines = [`  ${table.table}: ${table.onlyLive} only live, ${table.onlyRebuilt} only rebuilt, ${table.differing} differing${columns}`];
  for (const sample of table.samples) {
    const kind = sample.kind.replace('_', ' ');
    lines.push(`    ${kind}: ${formatRowKey(sample.key)}${sample.columns ? ` (${sample.columns.join(', ')})` : ''}`);
  }
  const shown = table.onlyLive + table.onlyRebuilt + table.differing;
  if (shown > table.samples.length) lines.push(`    ... and ${shown - table.samples.length} more`);
  return lines;
}

export function replayText(results: readonly ProjectionComparison[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const at = result.position === null ? 'no live checkpoint (compared with empty tables)' : `up to ${result.position}`;
    const verdict = result.equal ? 'equal' : result.reactor ? 'differs in reaction state (a reactor: not counted, a replay never runs its reactions)' : 'DIFFERS';
    lines.push(`${result.name}${result.reactor ? ' (reactor)' : ''}: ${plural(result.applied, 'event')} applied, ${at}: ${verdict}`);
    for (const table of result.tables) lines.push(...tableLines(table));
  }
  const differing = results.filter((result) => !result.equal && !result.reactor).map((result) => result.name);
  lines.push(
    differing.length === 0
      ? `replay: ${plural(results.length, 'read model')} rebuilt from the log, all equal to the live ones${results.some((r) => !r.equal) ? ' (reactors aside)' : ''}`
      : `replay: ${differing.length} of ${plural(results.length, 'read model')} differ from the log: ${differing.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

const none = (items: readonly unknown[]): string[] => (items.length === 0 ? ['  (none)'] : []);

export function stateText(state: StateAt, header: string): string {
  const lines = [header, '', `Clients (${state.clients.length})`, ...none(state.clients)];
  for (const client of state.clients) {
    lines.push(`  ${client.client_id}  "${client.client_name}"  created ${client.created_at}, updated ${client.updated_at}`);
    for (const uri of client.redirect_uris) lines.push(`    redirect ${uri}`);
  }
  lines.push('', `Signing keys published (${state.signing_keys.length})`, ...none(state.signing_keys));
  for (const key of state.signing_keys) {
    const retired = key.retired_at === null ? '' : `, retired ${key.retired_at}, in JWKS until ${key.unpublish_after ?? '?'}`;
    lines.push(`  ${key.kid}  ${key.alg}  ${key.status}  generated ${key.generated_at}${retired}`);
  }
  lines.push('', `Live grants (${state.grants.length})`, ...none(state.grants));
  for (const grant of state.grants) {
    const expiry = grant.refresh_expires_at === null ? 'no refresh expiry' : `refresh until ${grant.refresh_expires_at}`;
    lines.push(`  ${grant.grant_id}  ${grant.client_id}  ${grant.subject}${grant.login ? ` (${grant.login})` : ''}  issued ${grant.issued_at}, last used ${grant.last_used_at}, ${expiry}`);
  }
  lines.push('', `Sign-ins by subject and client (${state.sign_ins.length})`, ...none(state.sign_ins));
  for (const signIn of state.sign_ins) {
    const who = `${signIn.subject}${signIn.login ? ` (${signIn.login})` : ''}`;
    lines.push(`  ${who} -> ${signIn.client_id}: ${plural(signIn.grants, 'grant')}, first ${signIn.first_issued_at}, last used ${signIn.last_used_at}`);
  }
  return `${lines.join('\n')}\n`;
}
