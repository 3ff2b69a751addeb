import type { Request } from 'express';

/**
 * The address links the server writes should lead to (a guest link, a calendar file): `PUBLIC_URL` when it
 * was given, else the address the request came to (scheme and host, through `TRUST_PROXY`) when that is a
 * plain http(s) host and port. A forged Host is never echoed: anything else falls back to the default.
 */
export function publicBase(req: Request, config: { publicUrl: string; publicUrlSet: boolean }): string {
  if (config.publicUrlSet) return config.publicUrl;
  const host = req.get('host');
  const plain = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
  if ((req.protocol !== 'http' && req.protocol !== 'https') || !host || !plain.test(host)) return config.publicUrl;
  return `${req.protocol}://${host}`;
}
