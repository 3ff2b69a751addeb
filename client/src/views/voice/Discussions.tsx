import { useState } from 'preact/hooks';
import type { Discussion } from '../../../../server/contract/voice';
import { apiRequest, type Me } from '../../api';
import { formatFullTime, t } from '../../i18n';
import { go } from '../../router';
import { named, OpenButton, Page, Said, SelectField, submitted, ToolForm, UnitPicker, type Say } from '../controls';
import { Card, Cards, Meta, usePagedList } from '../lists';
import { HiddenPill, tv, VoiceNav, voiceError } from './common';

/** The units whose discussions the member may join: those whose rooms they may use (their branch first). */
export function discussionUnits(me: Me): Array<{ id: number; name: string }> {
  const units = me.rooms.filter((r) => r.id.startsWith('org:')).map((r) => ({ id: Number(r.id.slice(4)), name: r.name }));
  return units.sort((a, b) => Number(b.id === me.user.branchId) - Number(a.id === me.user.branchId));
}

/**
 * Discussions of the member's units (or of one of them), latest activity first; anyone who may use a unit's
 * room starts one there.
 */
export function Discussions({ token, me, orgId }: { token: string; me: Me; orgId: number | null }) {
  const units = discussionUnits(me);
  const unit = units.find((u) => u.id === orgId) ?? null;
  const [say, setSay] = useState<Say>(null);
  const params = new URLSearchParams({ ...(unit ? { orgId: String(unit.id) } : {}), limit: '20' });
  const discussions = usePagedList<Discussion>(token, `/api/discussions?${params}`, 'discussions', (error) => setSay({ tone: 'error', text: voiceError(error) }));
  const [writing, setWriting] = useState(false);
  const zone = me.user.timezone;

  async function start(event: Event) {
    const value = submitted(event);
    try {
      const { discussion } = await apiRequest<{ discussion: Discussion }>('POST', '/api/discussions', token, { orgId: Number(value('orgId')), title: value('title'), body: value('body') });
      go(`/discussions/${discussion.id}`);
    } catch (error) {
      setSay({ tone: 'error', text: voiceError(error) });
    }
  }

  return (
    <Page>
      <h1>{t('nav.discussions')}</h1>
      <VoiceNav current="discussions" />
      <Said say={say} onClose={() => setSay(null)} />
      {units.length > 1 && (
        <div class="filters unit-first">
          <UnitPicker label="admin.unit" units={units} value={String(unit?.id ?? '')} onChange={(id) => go(id ? `/discussions?orgId=${id}` : '/discussions')} any="meetings.any" />
        </div>
      )}
      {units.length > 0 && (
        <div class="actions">
          <OpenButton open={writing} onToggle={setWriting}>
            {tv('discussion.new')}
          </OpenButton>
        </div>
      )}
      {writing && units.length > 0 && (
        <ToolForm id="new-discussion" title={tv('discussion.new')} submit={tv('discussion.create')} onSubmit={start}>
          <SelectField id="dn-org" label={t('admin.unit')} name="orgId" choices={named(units)} defaultValue={String((unit ?? units[0]).id)} />
          <label for="dn-title">{t('form.title')}</label>
          <input id="dn-title" name="title" required maxLength={200} />
          <label for="dn-body">{tv('voice.body')}</label>
          <textarea id="dn-body" name="body" required rows={5} maxLength={20000} />
        </ToolForm>
      )}
      <Cards {...discussions} empty={tv('discussion.none')}>
        {(d) => (
          <Card
            key={d.id}
            class={d.hidden ? 'hidden-item' : undefined}
            href={`#/discussions/${d.id}`}
            title={d.title}
            marks={
              <>
                {d.locked && <span class="pill locked">{tv('discussion.locked')}</span>}
                {d.hidden && <HiddenPill />}
              </>
            }
            excerpt={d.body}
          >
            <Meta>
              <span>{d.author.name}</span>
              {!unit && <span>{units.find((u) => u.id === d.orgId)?.name}</span>}
              <span>{tv('discussion.replies', { count: d.replies })}</span>
              <time dateTime={d.lastReplyAt ?? d.createdAt}>{d.lastReplyAt ? tv('discussion.lastReply', { time: formatFullTime(d.lastReplyAt, zone) }) : formatFullTime(d.createdAt, zone)}</time>
            </Meta>
          </Card>
        )}
      </Cards>
    </Page>
  );
}
