import type { MeshidConfig } from '../../config/meshid-config.js';
import { preferredUsername } from '../claim-rules.js';
import type { Identity, IdentityClaims, TailnetNode } from '../identity.js';
import { personClaims } from '../person-claims.js';
import type { WhoIsResponse } from './whois-response.js';

/** The capability whose grant values are tsidp rules (reference/tsidp.md §4). */
export const TSIDP_CAPABILITY = 'tailscale.com/cap/tsidp';

export interface WhoisIdentityOptions {
  /** The issuer's host name, which `bob@github` is turned into an address under (tsidp's realish email). */
  issuerHost: string;
  taggedNodes: MeshidConfig['taggedNodes'];
}

/** A whois answer that is somebody, but not somebody meshid signs in; `refused` says why, for the log. */
export interface RefusedWhois {
  refused: string;
}

/**
 * The identity a whois answer stands for (reference/tsidp.md §3.1). A person is `userid:<Node.User>`,
 * even on a node shared in from another tailnet (Node.Sharer set): the owner is the one at the
 * keyboard, as in tsidp. A tagged node belongs to no person: tsidp refuses it; with
 * taggedNodes 'machine' meshid makes it a machine identity, `nodeid:<Node.ID>`.
 */
export function identityFromWhois(whois: WhoIsResponse, options: WhoisIdentityOptions): Identity | RefusedWhois {
  const tags = whois.Node.Tags ?? [];
  if (tags.length > 0) {
    if (options.taggedNodes === 'refuse') {
      return { refused: `node ${whois.Node.Name || `nodeid:${whois.Node.ID}`} is tagged (${tags.join(', ')}) and MESHID_TAGGED_NODES is refuse` };
    }
    return machineIdentity(whois, tags);
  }
  return personIdentity(whois, options.issuerHost);
}

function personIdentity(whois: WhoIsResponse, issuerHost: string): Identity {
  const { LoginName: login, DisplayName, ProfilePicURL, Groups } = whois.UserProfile;
  const person = personClaims(login, { name: DisplayName, picture: ProfilePicURL, groups: uniqueStrings(Groups ?? []) }, issuerHost);
  const claims: IdentityClaims = { ...nodeClaims(whois), ...person };
  if (whois.Node.User !== '0') claims.uid = int64Claim(whois.Node.User);
  return { source: 'tailscale', subject: `userid:${whois.Node.User}`, login, claims, capabilities: tsidpRules(whois), node: tailnetNode(whois) };
}

function machineIdentity(whois: WhoIsResponse, tags: string[]): Identity {
  const { Name, ID, ComputedName, Hostinfo } = whois.Node;
  const host = Name.replace(/\.$/, '');
  const firstLabel = host.split('.')[0]!;
  const subject = `nodeid:${ID}`;
  const claims: IdentityClaims = {
    ...nodeClaims(whois),
    name: ComputedName || Hostinfo?.Hostname || firstLabel || subject,
    groups: [],
    tags: [...tags],
  };
  const username = preferredUsername(firstLabel);
  if (username !== undefined) claims.preferred_username = username;
  return { source: 'tailscale', subject, login: host || subject, claims, capabilities: tsidpRules(whois), node: tailnetNode(whois) };
}

/** The node claims tsidp always sends (except `uid`, which only people get). */
function nodeClaims(whois: WhoIsResponse): Partial<IdentityClaims> {
  const { ID, Name, Addresses, Key } = whois.Node;
  const claims: Partial<IdentityClaims> = { nid: int64Claim(ID), addresses: [...Addresses], key: Key };
  if (Name !== '') claims.node = Name;
  const dot = Name.indexOf('.');
  if (dot >= 0 && dot < Name.length - 1) claims.tailnet = Name.slice(dot + 1);
  return claims;
}

function tailnetNode(whois: WhoIsResponse): TailnetNode {
  const { ID, Name, Addresses, Tags, Key, User } = whois.Node;
  return { id: ID, name: Name, addresses: [...Addresses], tags: [...(Tags ?? [])], key: Key, userId: User };
}

/** The tsidp rules of the answer's CapMap, raw: policy/capabilities validates them. */
function tsidpRules(whois: WhoIsResponse): unknown[] {
  const rules = whois.CapMap?.[TSIDP_CAPABILITY];
  return Array.isArray(rules) ? rules : [];
}

/**
 * An int64 id as a claim: a JSON number, as tsidp sends it, while the value fits a JavaScript
 * number exactly (every id seen in practice); beyond 2^53 − 1 the exact decimal string, because
 * a rounded number would name a different node or user and a relying party cannot tell.
 */
export function int64Claim(decimal: string): number | string {
  const value = Number(decimal);
  return Number.isSafeInteger(value) ? value : decimal;
}

function uniqueStrings(values: unknown[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value !== ''))];
}
