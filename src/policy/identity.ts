import type { JsonObject } from '#event-store';

/** Where an identity came from (DESIGN §5). */
export type IdentitySource = 'dev' | 'tailscale' | 'proxy-headers' | 'account';

/**
 * Who is asking, as the policy module resolves it. `claims` uses the OIDC claim names and is the
 * snapshot an authorization code carries to the token endpoint; which of them a client receives
 * depends on the scopes it was granted (profile: name, preferred_username, picture; email:
 * email, email_verified; groups: groups), except the tailnet node claims, which tsidp always
 * sends and so does meshid.
 */
export interface Identity {
  source: IdentitySource;
  /** Stable subject identifier, the `sub` claim (`userid:<n>` for a tailnet person, as tsidp). */
  subject: string;
  /** The login name, e.g. alice@example.com, bob@github, or a tagged node's name. */
  login: string;
  claims: IdentityClaims;
  /**
   * The `tailscale.com/cap/tsidp` rules that came with the identity, exactly as received: the
   * whois CapMap values, the serve proxy's Tailscale-App-Capabilities, or the dev identity's
   * `caps`. They are parsed (and malformed ones dropped) by policy/capabilities, never trusted raw.
   */
  capabilities: unknown[];
  /** The tailnet node the request came from; present for `tailscale` identities only. */
  node?: TailnetNode;
  /**
   * When the person authenticated (milliseconds since the epoch), for identities that come from a
   * sign-in session (local accounts, approvals from a tailnet device). Absent when the network
   * authenticates each request itself: then the request is the authentication.
   */
  authTime?: number;
}

/**
 * A tailnet node as whois describes it. Ids are decimal strings: they are int64 on the wire and
 * may not fit a JavaScript number.
 */
export interface TailnetNode extends JsonObject {
  id: string;
  /** The FQDN with its trailing dot, e.g. laptop.tail1234.ts.net. */
  name: string;
  /** The node's tailnet addresses as CIDRs, e.g. 100.101.102.103/32. */
  addresses: string[];
  /** `tag:...` names; non-empty means a tagged (machine) node. */
  tags: string[];
  /** The node's public key, `nodekey:<hex>`. */
  key: string;
  /** The owning user's id (decimal string); "0" when the node has none. */
  userId: string;
}

export interface IdentityClaims extends JsonObject {
  name?: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  picture?: string;
  groups: string[];
  /** tsidp's node claims (reference/tsidp.md §3.1), for tailnet identities. */
  nid?: number | string;
  node?: string;
  tailnet?: string;
  addresses?: string[];
  key?: string;
  uid?: number | string;
  /** A machine identity's tags (tagged nodes, when MESHID_TAGGED_NODES=machine). */
  tags?: string[];
}
