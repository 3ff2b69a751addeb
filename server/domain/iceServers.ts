import { createHmac } from 'node:crypto';

export const TURN_CREDENTIAL_TTL_S = 3600;

/**
 * STUN/TURN servers for a caller. With a TURN secret, short-lived TURN REST credentials as coturn's
 * `use-auth-secret` expects: username `<expiry unix time>:<id>`, credential base64(HMAC-SHA1(secret, username)).
 */
export function iceServersFor(
  config: { stunUrls: readonly string[]; turnUrls: readonly string[]; turnSecret: string | null },
  who: string,
  now = Date.now(),
): { iceServers: Array<{ urls: string[]; username?: string; credential?: string }>; ttl: number } {
  const iceServers: Array<{ urls: string[]; username?: string; credential?: string }> = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const username = `${Math.floor(now / 1000) + TURN_CREDENTIAL_TTL_S}:${who}`;
    const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
    iceServers.push({ urls: [...config.turnUrls], username, credential });
  }
  return { iceServers, ttl: TURN_CREDENTIAL_TTL_S };
}
