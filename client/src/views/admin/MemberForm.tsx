import { useState } from 'preact/hooks';
import type { Org, User } from '../../../../server/contract/model';
import { apiRequest } from '../../api';
import { describeError, Notice } from '../../errors';
import { t } from '../../i18n';

/** A new password for a new member (they change it after signing in). */
const newPassword = () => [...crypto.getRandomValues(new Uint8Array(9))].map((b) => 'abcdefghjkmnpqrstuvwxyz23456789'[b % 31]).join('');

/** Adds a member, or edits one (official fields too: the console is for organizers over them). */
export function MemberForm({ token, branches, member, onDone }: { token: string; branches: Org[]; member?: User; onDone: (user: User, password: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [password] = useState(newPassword);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const fields = { name: value('name'), email: value('email'), timezone: value('timezone'), mobile: form.get('mobile') === 'on', location: value('location') || null };
    try {
      const { user } = member
        ? await apiRequest<{ user: User }>('PATCH', `/api/members/${member.id}`, token, fields)
        : await apiRequest<{ user: User }>('POST', '/api/members', token, { ...fields, branchId: Number(value('branchId')), password: value('password') });
      onDone(user, value('password'));
    } catch (e) {
      setError(describeError(e, { conflict: 'admin.emailTaken' }));
    }
  }

  const id = (name: string) => `mf-${member?.id ?? 'new'}-${name}`;
  return (
    <form class="stack tools" onSubmit={submit}>
      {error && <Notice tone="error">{error}</Notice>}
      <label for={id('name')}>{t('member.name')}</label>
      <input id={id('name')} name="name" required maxLength={200} defaultValue={member?.name ?? ''} />
      <label for={id('email')}>{t('member.email')}</label>
      <input id={id('email')} name="email" type="email" required maxLength={320} defaultValue={member?.email ?? ''} />
      {!member && (
        <>
          <label for={id('branch')}>{t('member.branch')}</label>
          <select id={id('branch')} name="branchId" required>
            {branches.map((b) => (
              <option key={b.id} value={String(b.id)}>
                {b.name}
              </option>
            ))}
          </select>
          <label for={id('password')}>{t('admin.initialPassword')}</label>
          <input id={id('password')} name="password" required minLength={8} defaultValue={password} autocomplete="off" />
        </>
      )}
      <label for={id('timezone')}>{t('member.timezone')}</label>
      <input id={id('timezone')} name="timezone" required maxLength={64} defaultValue={member?.timezone ?? 'Asia/Shanghai'} />
      <label for={id('location')}>{t('member.location')}</label>
      <input id={id('location')} name="location" maxLength={200} defaultValue={member?.location ?? ''} />
      <label class="inline">
        <input type="checkbox" name="mobile" defaultChecked={member?.mobile ?? false} /> {t('member.mobile')}
      </label>
      <button type="submit">{member ? t('action.save') : t('admin.addMember')}</button>
    </form>
  );
}
