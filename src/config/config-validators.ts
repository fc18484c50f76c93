import { isIP } from 'node:net';
import { registerDecorator, type ValidationOptions } from 'class-validator';

function define(name: string, test: (value: unknown) => boolean) {
  return (options?: ValidationOptions) => (target: object, propertyName: string) =>
    registerDecorator({ name, target: target.constructor, propertyName, options: options ?? {}, validator: { validate: test } });
}

/** An issuer is compared byte for byte by relying parties: no trailing slash, query or fragment. */
export const IsIssuerUrl = define('isIssuerUrl', (value) => {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !value.endsWith('/') &&
    !value.includes('?') &&
    !value.includes('#')
  );
});

export function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || prefix === undefined || !/^[0-9]{1,3}$/.test(prefix)) return false;
  const family = isIP(address);
  const bits = Number(prefix);
  return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
}

export const IsCidrList = define('isCidrList', (value) => Array.isArray(value) && value.every((v) => typeof v === 'string' && isCidr(v)));

/** A list of `user@domain` addresses. */
export const IsAddressList = define(
  'isAddressList',
  (value) => Array.isArray(value) && value.every((v) => typeof v === 'string' && /^[^\s@]+@[^\s@]+$/.test(v)),
);

/** A DNS host name (RFC 1123 labels), compared lower-case. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const IsHostNameList = define(
  'isHostNameList',
  (value) => Array.isArray(value) && value.every((v) => typeof v === 'string' && HOST_NAME.test(v)),
);

const LOGIN = /^[^\s@]+@[^\s@]+$/;

export const IsDevIdentity = define('isDevIdentity', (value) => {
  if (typeof value !== 'string') return false;
  if (!value.trimStart().startsWith('{')) return LOGIN.test(value);
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && typeof (parsed as { login?: unknown }).login === 'string';
  } catch {
    return false;
  }
});
