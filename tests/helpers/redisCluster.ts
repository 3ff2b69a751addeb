// A Redis Cluster of the test's own: real redis-server processes with cluster mode on, on free ports, joined by
// `redis-cli --cluster create`, nothing kept on disk but each node's cluster config (so a killed master restarted
// on its port takes back its slots, empty, as after a crash without persistence).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort, OwnRedis } from '../resilience/support/h1';
import { sleep } from './clients';

const run = promisify(execFile);

/** What a node says of the cluster (CLUSTER INFO). */
async function clusterInfo(port: number): Promise<string> {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return String(await probe.cluster('INFO'));
  } finally {
    probe.disconnect();
  }
}

export class RedisClusterOfOwn {
  private constructor(readonly nodes: OwnRedis[], private readonly dir: string) {}

  /** Starts `masters` nodes (no replicas) and creates the cluster; resolves once every node says cluster_state:ok. */
  static async start(masters = 3): Promise<RedisClusterOfOwn> {
    const dir = mkdtempSync(join(tmpdir(), 'kitestring-cluster-'));
    const nodes: OwnRedis[] = [];
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      // cluster-require-full-coverage no: a master that is down takes only its own slots with it (docs/deployment.md).
      nodes.push(new OwnRedis(port, ['--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1500', '--cluster-require-full-coverage', 'no']));
    }
    const cluster = new RedisClusterOfOwn(nodes, dir);
    await Promise.all(nodes.map((n) => n.start()));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await cluster.waitUntilOk();
    return cluster;
  }

  /** REDIS_CLUSTER_NODES for kitestring: every node as a seed. */
  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  async waitUntilOk(timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(this.nodes.map((n) => clusterInfo(n.port).then((text) => /cluster_state:ok/.test(text), () => false)));
      if (states.every(Boolean)) return;
      if (Date.now() > until) throw new Error('the Redis Cluster did not reach cluster_state:ok');
      await sleep(100);
    }
  }

  /** An ioredis client of the cluster, for the test's own reads. */
  client(): Cluster {
    const client = new Cluster(this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { redisOptions: { maxRetriesPerRequest: 1 } });
    client.on('error', () => {});
    return client;
  }

  /** The master serving `key`'s slot. */
  async nodeOf(key: string): Promise<OwnRedis> {
    const client = new Redis(this.nodes[0].port, '127.0.0.1');
    try {
      const slot = Number(await client.cluster('KEYSLOT', key));
      const ranges = (await client.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
      const range = ranges.find(([from, to]) => slot >= from && slot <= to)!;
      return this.nodes.find((n) => n.port === range[2][1])!;
    } finally {
      client.disconnect();
    }
  }

  /** Every key on every master matching `pattern`. */
  async keys(pattern: string): Promise<string[]> {
    const out: string[] = [];
    for (const node of this.nodes) {
      const client = new Redis(node.port, '127.0.0.1');
      try {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          out.push(...keys);
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
