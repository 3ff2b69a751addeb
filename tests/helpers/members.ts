import { api } from './clients';
import { login, PASSWORD, type Person } from './district';

let seq = 0;

/** A fresh member of a branch, added by `by` (the admin or an organizer over the branch), signed in. */
export async function addMember(base: string, by: { token: string }, branchId: number, name: string, extra: Record<string, unknown> = {}): Promise<Person> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}-${Date.now().toString(36)}${seq++}@test.example`;
  const res = await api(base, 'POST', '/api/members', { token: by.token, body: { name, email, password: PASSWORD, branchId, ...extra } });
  if (res.status !== 201) throw new Error(`member ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return { user: res.body.user, token: await login(base, email) };
}
