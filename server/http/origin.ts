/**
 * Is a browser request from `origin` allowed? Requests without an Origin header come from non-browser
 * clients and are judged by their credential alone; same-origin requests are always allowed.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
