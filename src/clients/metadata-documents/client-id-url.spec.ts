import { describe, expect, it } from '@jest/globals';
import { clientIdUrlProblem, isClientIdUrl } from './client-id-url.js';

describe('isClientIdUrl', () => {
  it.each([
    'https://app.example.com/oauth/client-metadata.json',
    'https://app.example.com/client',
    'https://app.example.com:8443/client.json',
    'https://[2606:4700::1111]/client.json',
    'https://mcp.tail1234.ts.net/.well-known/oauth-client',
  ])('accepts %s', (clientId) => {
    expect(clientIdUrlProblem(clientId)).toBeNull();
    expect(isClientIdUrl(clientId)).toBe(true);
  });

  it.each([
    ['grafana', 'must be an https URL'],
    ['my-client_1.0', 'must be an https URL'],
    ['http://app.example.com/client.json', 'must be an https URL'],
    ['urn:example:client', 'must be an https URL'],
    ['https://app.example.com', 'must have a path'],
    ['https://app.example.com/', 'must have a path'],
    ['https://app.example.com/client.json#x', 'fragment'],
    ['https://app.example.com/client.json#', 'fragment'],
    ['https://app.example.com/client.json?v=1', 'query string'],
    ['https://app.example.com/client.json?', 'query string'],
    ['https://user@app.example.com/client.json', 'user credentials'],
    ['https://user:pw@app.example.com/client.json', 'user credentials'],
    ['https://app.example.com/./client.json', '. or .. path segments'],
    ['https://app.example.com/a/../client.json', '. or .. path segments'],
    ['https://app.example.com/a/%2E%2e/client.json', '. or .. path segments'],
    ['https://app.example.com/a/..', '. or .. path segments'],
    ['https://app.example.com/a b', 'spaces or control characters'],
    ['https://app.example.com/a\tb', 'spaces or control characters'],
    ['https://App.Example.com/client.json', 'canonical form (https://app.example.com/client.json)'],
    ['https://app.example.com:443/client.json', 'canonical form'],
    ['HTTPS://app.example.com/client.json', 'canonical form'],
    ['https://app.example.com\\client.json', 'backslashes'],
    ['https://app.example.com/a\\..\\client.json', 'backslashes'],
    ['https://0x7f.1/client.json', 'canonical form (https://127.0.0.1/client.json)'],
    ['https://exa mple.com/client.json', 'spaces'],
    ['https://[::1/client.json', 'valid absolute URI'],
    [`https://app.example.com/${'a'.repeat(1990)}`, 'at most 2000 characters'],
  ])('refuses %s', (clientId, problem) => {
    expect(clientIdUrlProblem(clientId)).toContain(problem);
    expect(isClientIdUrl(clientId)).toBe(false);
  });

  it('allows exactly 2000 characters', () => {
    const prefix = 'https://app.example.com/';
    expect(isClientIdUrl(prefix + 'a'.repeat(2000 - prefix.length))).toBe(true);
  });
});
