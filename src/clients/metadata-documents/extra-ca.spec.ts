import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../config/config-error.js';
import { readExtraCaFile, trustedCertificates } from './extra-ca.js';
import { MetadataDocumentFetcher } from './metadata-document-fetcher.js';
import { TEST_LOCALHOST_CERTIFICATE_PEM } from './testing/test-certificate.js';

const dir = mkdtempSync(join(tmpdir(), 'meshid-extra-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configError = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof ConfigError ? error.problems.join('\n') : `not a ConfigError: ${String(error)}`;
  }
  return 'nothing thrown';
};

describe('extra CA certificates', () => {
  it("adds the file's certificates to Node's roots", () => {
    expect(trustedCertificates(undefined)).toBeUndefined();
    const ca = trustedCertificates(`# comment\n${TEST_LOCALHOST_CERTIFICATE_PEM}`)!;
    expect(ca).toHaveLength(rootCertificates.length + 1);
    expect(ca.at(-1)).toBe(TEST_LOCALHOST_CERTIFICATE_PEM.trim());
  });

  it.each([
    ['no certificate', 'just text\n', 'holds no PEM certificate'],
    ['a damaged certificate', TEST_LOCALHOST_CERTIFICATE_PEM.replace(/MII[A-Za-z0-9]/, 'MIIx!'), 'certificate 1 is not valid'],
  ])('refuses %s with a ConfigError naming clientIdMetadataCaFile', (_case, pem, problem) => {
    const error = configError(() => trustedCertificates(pem));
    expect(error).toContain('clientIdMetadataCaFile: ');
    expect(error).toContain(problem);
  });

  it('reads the file once, at construction, and refuses an unreadable one', () => {
    const path = join(dir, 'ca.pem');
    writeFileSync(path, TEST_LOCALHOST_CERTIFICATE_PEM);
    expect(readExtraCaFile(path)).toBe(TEST_LOCALHOST_CERTIFICATE_PEM);
    expect(MetadataDocumentFetcher.fromSettings({ clientIdMetadataPrivateHosts: [], clientIdMetadataCaFile: path })).toBeInstanceOf(MetadataDocumentFetcher);
    expect(configError(() => MetadataDocumentFetcher.fromSettings({ clientIdMetadataPrivateHosts: [], clientIdMetadataCaFile: join(dir, 'missing.pem') })))
      .toContain('clientIdMetadataCaFile: cannot read');
    writeFileSync(join(dir, 'empty.pem'), '');
    expect(configError(() => MetadataDocumentFetcher.fromSettings({ clientIdMetadataPrivateHosts: [], clientIdMetadataCaFile: join(dir, 'empty.pem') })))
      .toContain('clientIdMetadataCaFile: holds no PEM certificate');
  });
});
