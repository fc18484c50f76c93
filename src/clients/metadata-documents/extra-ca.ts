import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfigError } from '../../config/config-error.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** Reads clientIdMetadataCaFile, once, at start: a missing file is a configuration error. */
export function readExtraCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`clientIdMetadataCaFile: cannot read ${path}: ${(error as Error).message}`]);
  }
}

/**
 * The CAs a metadata-document fetch trusts: Node's bundled roots plus the PEM certificates of
 * `extraCaPem`, or undefined (Node's defaults, NODE_EXTRA_CA_CERTS included) without extra ones.
 * Every certificate is parsed now, so that a damaged file stops meshid at start rather than
 * failing each fetch later.
 */
export function trustedCertificates(extraCaPem: string | undefined): string[] | undefined {
  if (extraCaPem === undefined) return undefined;
  const blocks = extraCaPem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new ConfigError(['clientIdMetadataCaFile: holds no PEM certificate (-----BEGIN CERTIFICATE-----)']);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new ConfigError([`clientIdMetadataCaFile: certificate ${i + 1} is not valid: ${(error as Error).message}`]);
    }
  });
  // Giving `ca` replaces Node's roots rather than adding to them, so they are listed again.
  return [...rootCertificates, ...blocks];
}
