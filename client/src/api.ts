import type { User } from '../../server/contract/model';

export interface RoomInfo {
  id: string;
  name: string;
  kind: string;
  /** May delete others' messages here. */
  moderator: boolean;
  /** The room's latest seq and how far the member has read it (their unread count is the difference). */
  lastSeq: number;
  readSeq: number;
}

export interface Me {
  user: User;
  organizerOf: number[];
  rooms: RoomInfo[];
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** JSON request to the server's HTTP API; throws ApiError with the contract's error code. */
export async function apiRequest<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'offline', 'network unreachable');
  }
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'internal', data?.error?.message ?? res.statusText);
  return data as T;
}

/** A message to show for a failed request: the server's own words, or a generic line. */
export function errorMessage(error: unknown, generic: string): string {
  return error instanceof ApiError && error.code !== 'offline' ? error.message : generic;
}

/** Downloads a file the API serves only with the bearer token (a plain link cannot send it). */
export async function downloadWithToken(path: string, token: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } }).catch(() => {
    throw new ApiError(0, 'offline', 'network unreachable');
  });
  // A refusal is an error to show, not a file of JSON to save.
  if (!res.ok) {
    const data = await res.json().catch(() => undefined);
    throw new ApiError(res.status, data?.error?.code ?? 'internal', data?.error?.message ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  Object.assign(document.createElement('a'), { href: url, download: filename }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every item of a paginated list (following `nextCursor`, 200 at a time): for small lists such as the org tree. */
export async function apiAll<T>(path: string, key: string, token: string, maxPages = 50): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const result: Record<string, unknown> = await apiRequest('GET', `${path}${sep}limit=200${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`, token);
    out.push(...((result[key] as T[]) ?? []));
    cursor = (result.nextCursor as string | null) ?? null;
    if (!cursor) break;
  }
  return out;
}
