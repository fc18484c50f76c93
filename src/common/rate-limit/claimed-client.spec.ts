import { describe, expect, it } from '@jest/globals';
import { claimedClientId } from './claimed-client.js';

const basic = (raw: string) => ({ headers: { authorization: `Basic ${Buffer.from(raw).toString('base64')}` }, body: {} });

describe('claimedClientId', () => {
  it('reads the client_id of HTTP Basic, form-decoded, or of the body', () => {
    expect(claimedClientId(basic('rp%3Aone+x:secret'))).toBe('rp:one x');
    expect(claimedClientId({ headers: {}, body: { client_id: 'rp', client_secret: 's' } })).toBe('rp');
    expect(claimedClientId({ headers: { authorization: 'Bearer abc' }, body: { client_id: 'rp' } })).toBe('rp');
  });

  it('is undefined for anything malformed, which the endpoint refuses on its own', () => {
    expect(claimedClientId(basic('no-colon'))).toBeUndefined();
    expect(claimedClientId(basic(':secret'))).toBeUndefined();
    expect(claimedClientId(basic('%zz:secret'))).toBeUndefined();
    expect(claimedClientId({ headers: { authorization: 'Basic !!!' }, body: {} })).toBeUndefined();
    expect(claimedClientId({ headers: {}, body: { client_id: ['a', 'b'] } })).toBeUndefined();
    expect(claimedClientId({ headers: {}, body: { client_id: '' } })).toBeUndefined();
    expect(claimedClientId({ headers: {}, body: undefined })).toBeUndefined();
  });
});
