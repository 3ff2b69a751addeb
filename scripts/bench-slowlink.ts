/**
 * A phone on a weak link: the real app (SQLite, the demo district) behind a TCP proxy that delays every
 * chunk by LATENCY_MS each way and shares BANDWIDTH bytes/s per direction, with Chromium at 360 × 740.
 * Prints how long the first page, sign-in → the room's messages, and a send → its ack take. Asserts nothing.
 *
 *   npx tsx scripts/bench-slowlink.ts            (1 s each way, 50 KB/s, as in issue 9)
 *   LATENCY_MS=300 BANDWIDTH=200000 npx tsx scripts/bench-slowlink.ts
 *   DEBUG_SLOW=1 …                              (prints each request and socket frame as it lands)
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoDistrict } from '../server/demo';
import { createTestStore, startTestServer } from '../tests/helpers/server';

const LATENCY_MS = Number(process.env.LATENCY_MS ?? 1000);
const BANDWIDTH = Number(process.env.BANDWIDTH ?? 50_000);

/** One direction of the link: chunks leave in order, each no sooner than LATENCY_MS after it came, at BANDWIDTH. */
class Pipe {
  private freeAt = 0;
  send(to: Socket, chunk: Buffer) {
    const now = Date.now();
    this.freeAt = Math.max(this.freeAt, now) + (chunk.length / BANDWIDTH) * 1000;
    const at = Math.max(this.freeAt, now + LATENCY_MS);
    setTimeout(() => to.writable && to.write(chunk), at - now);
  }
}

function slowProxy(target: number): Promise<{ port: number; close(): void }> {
  const up = new Pipe();
  const down = new Pipe();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => setTimeout(() => (s === client ? upstream : client).end(), LATENCY_MS));
    }
    client.on('data', (chunk) => up.send(upstream, chunk));
    upstream.on('data', (chunk) => down.send(client, chunk));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => {
          sockets.forEach((s) => s.destroy());
          server.close();
        },
      }),
    ),
  );
}

async function main() {
  const store = createTestStore('sqlite');
  const server = await startTestServer(store);
  await seedDemoDistrict(server.db);
  const proxy = await slowProxy(server.port);
  const base = `http://127.0.0.1:${proxy.port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' })).newPage();
    let t = Date.now();
    await page.goto(base);
    await page.getByLabel('邮箱').waitFor();
    const firstPage = Date.now() - t;

    await page.getByLabel('邮箱').fill('chen.jing@kitestring.example');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    t = Date.now();
    const t0 = t;
    if (process.env.DEBUG_SLOW) {
      page.on('request', (r) => console.log('req', Date.now() - t0, r.method(), r.url().slice(base.length, base.length + 80)));
      page.on('requestfinished', (r) => console.log('done', Date.now() - t0, r.url().slice(base.length, base.length + 80)));
      page.on('websocket', (ws) => { console.log('ws', Date.now() - t0); ws.on('framereceived', (f) => console.log('frame', Date.now() - t0, String(f.payload).slice(0, 60))); });
    }
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('log').locator('.msg').first().waitFor({ timeout: 60_000 });
    const signInToRoom = Date.now() - t;
    await page.getByRole('status').filter({ hasText: '已连接' }).waitFor({ timeout: 60_000 });
    const signInToSocket = Date.now() - t;

    await page.getByLabel('写消息').fill('慢网络下的一条消息');
    t = Date.now();
    await page.keyboard.press('Enter');
    const shownAt = Date.now() - t;
    await page.waitForFunction(() => document.querySelectorAll('[data-pending]').length === 0, null, { timeout: 60_000 });
    const sendToAck = Date.now() - t;

    const rtt = 2 * LATENCY_MS;
    const round = (ms: number) => `${(ms / 1000).toFixed(2)} s (${(ms / rtt).toFixed(1)} round trips)`;
    console.log(`link: ${LATENCY_MS} ms each way, ${Math.round(BANDWIDTH / 1000)} KB/s each direction`);
    console.log(`first page (sign-in form shown):  ${round(firstPage)}`);
    console.log(`sign-in → the room's messages:    ${round(signInToRoom)}`);
    console.log(`sign-in → socket connected:       ${round(signInToSocket)}`);
    console.log(`send → shown (optimistic):        ${shownAt} ms`);
    console.log(`send → acked:                     ${round(sendToAck)}`);
  } finally {
    await browser.close();
    proxy.close();
    await server.close();
    await store.destroy();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
