import { Pool } from 'undici';

/** A response read to the end: status, headers (set-cookie as a list) and body text. */
export interface BenchResponse {
  status: number;
  header(name: string): string | undefined;
  setCookies(): string[];
  text: string;
}

export interface BenchRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * The load's HTTP client: one undici pool of keep-alive connections per origin, one request per
 * connection at a time (no pipelining, as browsers and relying parties do). It costs the load
 * generator about half of what `fetch` does per request (no WHATWG streams, no Response objects),
 * so more of the two cores is left to the server under test, and a faster server shows as such.
 */
export class BenchHttpClient {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connectionsPerOrigin: number) {}

  async request(url: URL | string, options: BenchRequest = {}): Promise<BenchResponse> {
    const target = typeof url === 'string' ? new URL(url) : url;
    const { statusCode, headers, body } = await this.pool(target.origin).request({
      method: options.method ?? 'GET',
      path: `${target.pathname}${target.search}`,
      headers: options.headers ?? {},
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await body.text();
    return {
      status: statusCode,
      text,
      header: (name) => {
        const value = headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      },
      setCookies: () => {
        const value = headers['set-cookie'];
        return value === undefined ? [] : Array.isArray(value) ? value : [value];
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, { connections: this.connectionsPerOrigin, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}
