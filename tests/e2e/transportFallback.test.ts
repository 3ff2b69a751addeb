import { describe, expect, it } from 'vitest';
import { PHONE_ZH, useBrowserServer } from '../helpers/browser';
import { PASSWORD } from '../helpers/district';
import { waitFor } from '../helpers/clients';

// A member behind a proxy or a carrier that refuses WebSockets: the page's socket tries the WebSocket first
// and, when it fails, falls back to long-polling (client/src/socket.ts, `tryAllTransports`), instead of
// retrying the WebSocket forever and never connecting. The failure is made the way such a network makes it:
// the WebSocket errors and closes (code 1006) without ever opening.

const env = useBrowserServer();

const BLOCK_WEBSOCKETS = `
  window.__websocketsTried = 0;
  class BlockedWebSocket extends EventTarget {
    constructor(url) {
      super();
      window.__websocketsTried++;
      this.url = String(url);
      this.readyState = 0;
      this.binaryType = 'blob';
      setTimeout(() => {
        this.readyState = 3;
        const error = new Event('error');
        this.onerror?.(error);
        this.dispatchEvent(error);
        const close = Object.assign(new Event('close'), { code: 1006, reason: '', wasClean: false });
        this.onclose?.(close);
        this.dispatchEvent(close);
      }, 30);
    }
    send() { throw new Error('not open'); }
    close() {}
  }
  Object.assign(BlockedWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = BlockedWebSocket;
`;

describe('a network that refuses WebSockets', () => {
  it('the member connects by long-polling, chats both ways and stays connected', async () => {
    const amy = await env.open(env.d.amy, PHONE_ZH);
    const page = await env.newPage(PHONE_ZH);
    await page.context().addInitScript(BLOCK_WEBSOCKETS);
    await page.goto(env.server.url);
    await page.getByLabel(/Email|邮箱/).fill(env.d.alice.user.email);
    await page.getByLabel(/Password|密码/).fill(PASSWORD);
    await page.getByRole('button', { name: /Sign in|登录/ }).click();
    await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { __websocketsTried: number }).__websocketsTried)).toBeGreaterThan(0);

    // On the server, Alice's socket is on long-polling (it never upgraded: the upgrade needs a WebSocket).
    const transports = () =>
      [...env.server.app.io.of('/').sockets.values()].filter((s) => s.data.actor?.id === env.d.alice.user.id).map((s) => s.conn.transport.name);
    await waitFor(() => transports().length > 0, 5000, "Alice's socket");
    expect(transports()).toEqual(['polling']);

    await page.getByLabel(/Write a message|写消息/).fill('经由轮询发出');
    await page.keyboard.press('Enter');
    await amy.getByRole('log').getByText('经由轮询发出').waitFor();
    await amy.getByLabel(/Write a message|写消息/).fill('轮询也收得到');
    await amy.keyboard.press('Enter');
    await page.getByRole('log').getByText('轮询也收得到').waitFor();

    // Still connected a while later (polling requests keep cycling; nothing drops it back to "connecting").
    await page.waitForTimeout(3000);
    expect(await page.getByRole('status').filter({ hasText: /Connected|已连接/ }).count()).toBe(1);
    expect(transports()).toEqual(['polling']);
  });
});
