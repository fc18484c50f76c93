import { createSecureContext, type SecureContext } from 'node:tls';
import type { RegisteredClient } from '../read-model/client-directory.js';
import { documentLifetimeMs, FAILURE_LIFETIME_MS } from './cache-lifetime.js';
import { clientIdUrlProblem } from './client-id-url.js';
import { readExtraCaFile, trustedCertificates } from './extra-ca.js';
import { FetchRefusal } from './fetch-refusal.js';
import { allowedAddresses, type HostLookup, systemLookup } from './host-addresses.js';
import { clientFromMetadataDocument } from './metadata-document-client.js';
import { pinnedHttpsGet } from './pinned-https-get.js';
import { ExpiringCache } from '../../common/expiring-cache.js';

export type MetadataDocumentResolution = { ok: true; client: RegisteredClient } | { ok: false; reason: string };

export interface MetadataDocumentFetcherOptions {
  /** Lower-case host names whose documents may come from private addresses (clientIdMetadataPrivateHosts). */
  privateHosts?: readonly string[];
  /** PEM CA certificates trusted besides the system's (the content of clientIdMetadataCaFile). */
  extraCaPem?: string;
  /** Resolves host names; dns.lookup with `all` by default. */
  lookup?: HostLookup;
  /** The clock for cache expiry and the clients' dates, in ms since the epoch. */
  now?: () => number;
  /** The whole fetch (DNS, connect, TLS, headers, body) must be done within this; 5000 by default. */
  timeoutMs?: number;
  /** The largest document read, in bytes; 5120 by default (the draft suggests 5 KB). */
  maxBytes?: number;
  /** Cached documents and failures kept at most; 1000 by default, least recently used out first. */
  maxEntries?: number;
  /** Fetches in flight at most (distinct URLs); beyond, resolve fails at once, uncached. 32 by default. */
  maxConcurrentFetches?: number;
  /** Told of errors that are bugs rather than fetch failures (their reason shown is generic). */
  onUnexpectedError?: (error: unknown) => void;
}

/** The meshid settings the fetcher is built from. */
export interface MetadataDocumentSettings {
  clientIdMetadataPrivateHosts: readonly string[];
  clientIdMetadataCaFile?: string | undefined;
}

interface Outcome {
  resolution: MetadataDocumentResolution;
  lifetimeMs: number;
}

/**
 * Resolves a Client ID Metadata Document URL to a client: fetches the document (within the limits
 * of pinnedHttpsGet, to addresses allowedAddresses accepts), validates it, and caches the result,
 * a failure too (FAILURE_LIFETIME_MS), so that a client id that fails cannot make meshid fetch on
 * every request. Concurrent resolves of one URL share one fetch. Holds no global state: each
 * instance has its own cache.
 */
export class MetadataDocumentFetcher {
  private readonly privateHosts: ReadonlySet<string>;
  private readonly secureContext: SecureContext | undefined;
  private readonly lookup: HostLookup;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxConcurrentFetches: number;
  private readonly onUnexpectedError: (error: unknown) => void;
  private readonly cache: ExpiringCache<MetadataDocumentResolution>;
  private readonly inFlight = new Map<string, Promise<MetadataDocumentResolution>>();

  /** Throws a ConfigError naming clientIdMetadataCaFile if `extraCaPem` holds no valid certificate. */
  constructor(options: MetadataDocumentFetcherOptions = {}) {
    this.privateHosts = new Set((options.privateHosts ?? []).map((host) => host.toLowerCase()));
    const ca = trustedCertificates(options.extraCaPem);
    // Built once: parsing Node's ~150 roots again for every fetch would cost more than the fetch.
    this.secureContext = ca === undefined ? undefined : createSecureContext({ ca });
    this.lookup = options.lookup ?? systemLookup;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxBytes = options.maxBytes ?? 5120;
    this.maxConcurrentFetches = options.maxConcurrentFetches ?? 32;
    this.onUnexpectedError = options.onUnexpectedError ?? (() => {});
    this.cache = new ExpiringCache(options.maxEntries ?? 1000, this.now);
  }

  /**
   * A fetcher for meshid's settings; reads clientIdMetadataCaFile now (a ConfigError if it cannot
   * be read or holds no valid certificate). `options` may set anything but the two settings.
   */
  static fromSettings(settings: MetadataDocumentSettings, options: Omit<MetadataDocumentFetcherOptions, 'privateHosts' | 'extraCaPem'> = {}): MetadataDocumentFetcher {
    const extraCaPem = settings.clientIdMetadataCaFile === undefined ? undefined : readExtraCaFile(settings.clientIdMetadataCaFile);
    return new MetadataDocumentFetcher({ ...options, privateHosts: settings.clientIdMetadataPrivateHosts, extraCaPem });
  }

  /**
   * The client whose id is `clientId`, a metadata-document URL, or why there is none. Never
   * rejects; every reason is safe to show to the requester.
   */
  resolve(clientId: string): Promise<MetadataDocumentResolution> {
    const problem = clientIdUrlProblem(clientId);
    if (problem !== null) return Promise.resolve({ ok: false, reason: `client_id is not a metadata document URL: it ${problem}` });
    const cached = this.cache.get(clientId);
    if (cached !== undefined) return Promise.resolve(cached.value);
    const pending = this.inFlight.get(clientId);
    if (pending !== undefined) return pending;
    if (this.inFlight.size >= this.maxConcurrentFetches) {
      return Promise.resolve({ ok: false, reason: 'too many client metadata documents are being fetched; try again shortly' });
    }
    const fetching = this.fetchAndRemember(clientId);
    this.inFlight.set(clientId, fetching);
    return fetching;
  }

  private async fetchAndRemember(clientId: string): Promise<MetadataDocumentResolution> {
    try {
      const { resolution, lifetimeMs } = await this.fetchClient(clientId);
      // Cached before leaving inFlight, so that no resolve in between starts a second fetch.
      this.cache.set(clientId, resolution, lifetimeMs);
      return resolution;
    } finally {
      this.inFlight.delete(clientId);
    }
  }

  private async fetchClient(clientId: string): Promise<Outcome> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new FetchRefusal(`no complete answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    try {
      const url = new URL(clientId);
      const addresses = await untilAborted(allowedAddresses(url.hostname, this.privateHosts, this.lookup), deadline.signal);
      const { body, cacheControl } = await pinnedHttpsGet({ url, addresses, secureContext: this.secureContext, maxBytes: this.maxBytes, signal: deadline.signal });
      const resolution = clientFromMetadataDocument(clientId, parseJson(body), new Date(this.now()));
      return { resolution, lifetimeMs: resolution.ok ? documentLifetimeMs(cacheControl) : FAILURE_LIFETIME_MS };
    } catch (error) {
      if (!(error instanceof FetchRefusal)) this.onUnexpectedError(error);
      const reason = error instanceof FetchRefusal ? error.message : 'an unexpected error occurred';
      return { resolution: { ok: false, reason: `could not fetch the client metadata document: ${reason}` }, lifetimeMs: FAILURE_LIFETIME_MS };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `promise`, or the signal's reason once it is aborted, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function parseJson(body: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new FetchRefusal('the document is not UTF-8 text');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new FetchRefusal('the document is not valid JSON');
  }
}
