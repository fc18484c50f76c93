import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/load-config.js';

// No Docker engine runs on the build machines, so the compose files are checked here for what
// can go wrong without one: YAML, health checks, the pinned LTS image, and an environment that
// meshid's own configuration validation accepts. docker-compose.yml is the production stack
// (meshid, KurrentDB, a tailscale sidecar); docker-compose.cluster.yml three KurrentDB nodes.
const root = fileURLToPath(new URL('../', import.meta.url));

interface Service {
  image?: string;
  build?: string;
  network_mode?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

function services(file: string): Record<string, Service> {
  const document = parse(readFileSync(`${root}${file}`, 'utf8'), { merge: true }) as { services: Record<string, Service> };
  return document.services;
}

describe.each(['docker-compose.yml', 'docker-compose.cluster.yml'])('%s', (file) => {
  const all = services(file);
  const kurrentNodes = Object.entries(all).filter(([, service]) => service.image?.includes('kurrentdb'));

  it('runs KurrentDB LTS nodes with health checks, and meshid only once they are healthy', () => {
    expect(kurrentNodes.length).toBeGreaterThan(0);
    for (const [, node] of kurrentNodes) {
      expect(node.image).toMatch(/^docker\.kurrent\.io\/kurrent-lts\/kurrentdb:\d+\.\d+\.\d+$/);
      expect(node.healthcheck?.test.join(' ')).toContain('/health/live');
    }
    const meshid = all.meshid!;
    expect(meshid.build).toBe('.');
    expect(meshid.healthcheck?.test.join(' ')).toContain('/readyz');
    for (const [name] of kurrentNodes) expect(meshid.depends_on?.[name]?.condition).toBe('service_healthy');
  });

  it('gives meshid an environment its configuration accepts, pointing at every node', () => {
    const env = Object.fromEntries(
      Object.entries(all.meshid!.environment!).map(([key, value]) => [key, value.replace(/\$\{[A-Z_]+:-([^}]*)\}/, '$1')]),
    );
    const { config } = loadConfig({ env: { ...env, MESHID_HOST: '0.0.0.0' }, cwd: root });
    expect(config.eventStore).toBe('kurrentdb');
    for (const [name] of kurrentNodes) expect(config.kurrentdbConnectionString).toContain(`${name}:2113`);
  });
});

describe('docker-compose.yml on the tailnet', () => {
  const all = services('docker-compose.yml');
  const env = (service: Service) =>
    Object.fromEntries(Object.entries(service.environment!).map(([key, value]) => [key, value.replace(/\$\{[A-Z_]+:-([^}]*)\}/, '$1')]));

  it('puts meshid in the tailscale sidecar\'s network, trusting only its loopback proxy, asking its tailscaled', () => {
    const { meshid, tailscale } = all as { meshid: Service; tailscale: Service };
    expect(tailscale.image).toMatch(/^tailscale\/tailscale:v\d+\.\d+\.\d+$/);
    expect(meshid.network_mode).toBe('service:tailscale');
    const { config } = loadConfig({ env: env(meshid), cwd: root });
    expect(config.identity).toEqual(['tailscale']);
    expect(config.host).toBe('127.0.0.1');
    expect(config.trustedProxies).toContain('127.0.0.1/32');
    // The socket tailscaled creates is in the volume both containers mount.
    const socketDirectory = config.tailscaleSocket.slice(0, config.tailscaleSocket.lastIndexOf('/'));
    expect(tailscale.environment!.TS_SOCKET).toBe(config.tailscaleSocket);
    for (const service of [meshid, tailscale]) expect(service.volumes).toContain(`tailscale-socket:${socketDirectory}`);
  });

  it('has tailscale serve proxy HTTPS to the port meshid listens on, without Funnel', () => {
    const { meshid, tailscale } = all as { meshid: Service; tailscale: Service };
    const mount = tailscale.volumes!.find((volume) => volume.endsWith(`:${tailscale.environment!.TS_SERVE_CONFIG}:ro`))!;
    const serve = JSON.parse(readFileSync(`${root}${mount.split(':')[0]!.replace(/^\.\//, '')}`, 'utf8')) as {
      TCP: Record<string, { HTTPS: boolean }>;
      Web: Record<string, { Handlers: Record<string, { Proxy: string }> }>;
      AllowFunnel: Record<string, boolean>;
    };
    const { config } = loadConfig({ env: env(meshid), cwd: root });
    expect(serve.TCP['443']).toEqual({ HTTPS: true });
    expect(serve.Web['${TS_CERT_DOMAIN}:443']!.Handlers['/']!.Proxy).toBe(`http://${config.host}:${config.port}`);
    expect(Object.values(serve.AllowFunnel)).toEqual([false]);
  });
});
