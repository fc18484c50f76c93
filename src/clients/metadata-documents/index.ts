/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client id
 * that is an https URL names a JSON document of the client's metadata, which meshid fetches. What
 * /authorize and /token need: isClientIdUrl to tell such ids from registered ones, and
 * MetadataDocumentFetcher.resolve to turn one into a client.
 */
export { classifyAddress, isPublicAddress, type AddressClass } from './address-classifier.js';
export { clientIdUrlProblem, isClientIdUrl, MAX_CLIENT_ID_URL_LENGTH } from './client-id-url.js';
export { clientFromMetadataDocument, type MetadataDocumentClient } from './metadata-document-client.js';
export {
  MetadataDocumentFetcher,
  type MetadataDocumentFetcherOptions,
  type MetadataDocumentResolution,
  type MetadataDocumentSettings,
} from './metadata-document-fetcher.js';
export type { HostLookup } from './host-addresses.js';
