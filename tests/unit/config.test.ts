import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

describe('loadConfig', () => {
  it('has the documented defaults and is frozen', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000, host: '0.0.0.0', databaseUrl: 'sqlite:./data/kitestring.db', redisUrl: 'redis://127.0.0.1:6379', keyPrefix: 'ks',
      admin: null, publicUrl: 'http://localhost:3000', allowedOrigins: ['http://localhost:3000'], chatRateLimit: { count: 20, windowMs: 10_000 },
      duesReminders: 'auto', seedDemo: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses rates, origin lists and the admin account', () => {
    const config = loadConfig({
      CHAT_RATE_LIMIT: '5/1m', ALLOWED_ORIGINS: 'https://a.example, https://b.example/', PUBLIC_URL: 'https://kite.example/',
      ADMIN_EMAIL: 'Root@Example.org', ADMIN_PASSWORD: 'long-enough', NODE_ENV: 'production',
    });
    expect(config.chatRateLimit).toEqual({ count: 5, windowMs: 60_000 });
    expect(config.allowedOrigins).toEqual(['https://kite.example', 'https://a.example', 'https://b.example']);
    expect(config.admin).toEqual({ email: 'root@example.org', password: 'long-enough' });
    expect(config.seedDemo).toBe(false);
    expect(loadConfig({ CHAT_RATE_LIMIT: 'off' }).chatRateLimit).toBeNull();
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', KEY_PREFIX: 'has space' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
  });
});
