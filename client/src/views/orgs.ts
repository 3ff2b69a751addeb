/**
 * The district's units as the pages that name or pick them need them (member life, the district's voice).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Org } from '../../../server/contract/model';
import { apiAll } from '../api';

// The org tree changes seldom: one fetch serves the pages opened in the next minute (a weak link pays once).
let orgsCache: { token: string; at: number; orgs: Promise<Org[]> } | null = null;

/** The district's units (null while loading); a failure is handed to `onError` and gives an empty list. */
export function useOrgs(token: string, onError?: (error: unknown) => void): Org[] | null {
  const [orgs, setOrgs] = useState<Org[] | null>(null);
  useEffect(() => {
    if (!orgsCache || orgsCache.token !== token || Date.now() - orgsCache.at > 60_000) {
      orgsCache = { token, at: Date.now(), orgs: apiAll<Org>('/api/orgs', 'orgs', token) };
    }
    const mine = orgsCache;
    let live = true;
    mine.orgs.then(
      (list) => live && setOrgs(list),
      (error) => {
        if (orgsCache === mine) orgsCache = null;
        if (!live) return;
        setOrgs([]);
        onError?.(error);
      },
    );
    return () => void (live = false);
  }, [token]);
  return orgs;
}

/** A unit's name, or nothing while the tree is loading. */
export const nameOf = (orgs: readonly Org[] | null, id: number | null | undefined) => orgs?.find((o) => o.id === id)?.name ?? '';

