import type { Knex } from 'knex';
import type { ChatMessage, UserRef } from '../../contract/model';
import type { Clock, Tx } from '../../domain/ports';
import { sqlOf } from '../tx';

interface MessageRow {
  id: number;
  room_id: string;
  seq: number;
  author_id: number;
  author_name: string;
  client_id: string;
  body: string;
  created_at: string;
  deleted_at: string | null;
}

const SELECT = [
  'messages.id',
  'messages.room_id',
  'messages.seq',
  'messages.author_id',
  'users.name as author_name',
  'messages.client_id',
  'messages.body',
  'messages.created_at',
  'messages.deleted_at',
];

export const toMessage = (row: MessageRow): ChatMessage => ({
  id: row.id,
  roomId: row.room_id,
  seq: row.seq,
  author: { id: row.author_id, name: row.author_name },
  body: row.deleted_at ? '' : row.body,
  clientId: row.client_id,
  createdAt: row.created_at,
  deleted: Boolean(row.deleted_at),
});

/** A message waiting to be stored. */
export interface MessageDraft {
  roomId: string;
  author: UserRef;
  clientId: string;
  body: string;
}

/** Per draft: the stored message and whether this batch created it; or null when the room is unknown. */
export type StoreOutcome = { message: ChatMessage; created: boolean } | null;

const draftKey = (roomId: string, authorId: number, clientId: string) => `${roomId}\u0000${authorId}\u0000${clientId}`;

export function createMessagesRepo(knex: Knex, read: Knex = knex, clock: Clock = { now: Date.now }) {
  const postgres = knex.client.config.client === 'pg';
  const base = (db: Knex = read) => db('messages').join('users', 'users.id', 'messages.author_id').select(SELECT);

  return {
    /**
     * Stores a batch of drafts in the given transaction and returns one outcome per draft, in order.
     * Each room's counter row is locked first (in id order, so two processes never deadlock), then
     * resends are found by (room, author, clientId) and only new messages get the next seq numbers.
     * Because the room lock is held until commit, seq follows commit order without gaps.
     */
    async storeBatch(tx: Tx, drafts: MessageDraft[]): Promise<StoreOutcome[]> {
      const trx = sqlOf(tx);
      const roomIds = [...new Set(drafts.map((d) => d.roomId))].sort();
      const lastSeq = new Map<string, number>();
      // Every room of the batch in one statement. PostgreSQL locks the rows in id order (two processes never
      // deadlock); on SQLite the write takes the writer lock first.
      const locked: Array<{ id: string; last_seq: number }> = postgres
        ? await trx('rooms').whereIn('id', roomIds).orderBy('id').forUpdate().select('id', 'last_seq')
        : await trx('rooms').whereIn('id', roomIds).update({ last_seq: trx.raw('last_seq') }).returning(['id', 'last_seq']);
      for (const row of locked) lastSeq.set(row.id, Number(row.last_seq));

      const known = drafts.filter((d) => lastSeq.has(d.roomId));
      const existing = new Map<string, ChatMessage>();
      for (let i = 0; i < known.length; i += 300) {
        const slice = known.slice(i, i + 300);
        const rows: MessageRow[] = await base(knex)
          .transacting(trx)
          .whereIn(
            ['messages.room_id', 'messages.author_id', 'messages.client_id'],
            slice.map((d) => [d.roomId, d.author.id, d.clientId]),
          );
        for (const row of rows) existing.set(draftKey(row.room_id, row.author_id, row.client_id), toMessage(row));
      }

      const now = new Date(clock.now()).toISOString();
      const fresh = new Map<string, { draft: MessageDraft; seq: number }>();
      for (const draft of known) {
        const key = draftKey(draft.roomId, draft.author.id, draft.clientId);
        if (existing.has(key) || fresh.has(key)) continue;
        const seq = lastSeq.get(draft.roomId)! + 1;
        lastSeq.set(draft.roomId, seq);
        fresh.set(key, { draft, seq });
      }

      const created = new Map<string, ChatMessage>();
      const pending = [...fresh.values()];
      for (let i = 0; i < pending.length; i += 100) {
        const slice = pending.slice(i, i + 100);
        const ids: Array<{ id: number } | number> = await trx('messages')
          .insert(
            slice.map(({ draft, seq }) => ({
              room_id: draft.roomId,
              seq,
              author_id: draft.author.id,
              client_id: draft.clientId,
              body: draft.body,
              created_at: now,
            })),
          )
          .returning('id');
        slice.forEach(({ draft, seq }, index) => {
          const idRow = ids[index];
          created.set(draftKey(draft.roomId, draft.author.id, draft.clientId), {
            id: typeof idRow === 'object' ? idRow.id : idRow,
            roomId: draft.roomId,
            seq,
            author: draft.author,
            body: draft.body,
            clientId: draft.clientId,
            createdAt: now,
            deleted: false,
          });
        });
      }
      // The rooms' new counters in one statement.
      const moved = roomIds.filter((id) => lastSeq.has(id));
      if (moved.length === 1) await trx('rooms').where({ id: moved[0] }).update({ last_seq: lastSeq.get(moved[0]) });
      else if (moved.length > 1) {
        await trx('rooms')
          .whereIn('id', moved)
          .update({ last_seq: trx.raw(`case id ${moved.map(() => 'when ? then cast(? as integer)').join(' ')} end`, moved.flatMap((id) => [id, lastSeq.get(id)!])) });
      }

      // Only the first draft of a key in this batch counts as the one that created the message.
      const reported = new Set<string>();
      return drafts.map((draft) => {
        if (!lastSeq.has(draft.roomId)) return null;
        const key = draftKey(draft.roomId, draft.author.id, draft.clientId);
        const made = created.get(key);
        if (made && !reported.has(key)) {
          reported.add(key);
          return { message: made, created: true };
        }
        return { message: made ?? existing.get(key)!, created: false };
      });
    },

    /** The latest seq of each of these rooms (0 for a room without messages). */
    async lastSeqs(roomIds: string[]): Promise<Map<string, number>> {
      if (roomIds.length === 0) return new Map();
      const rows: Array<{ id: string; last_seq: number }> = await read('rooms').whereIn('id', roomIds).select('id', 'last_seq');
      return new Map(roomIds.map((id) => [id, Number(rows.find((r) => r.id === id)?.last_seq ?? 0)]));
    },
    async lastSeq(roomId: string): Promise<number> {
      const row = await read('rooms').where({ id: roomId }).first('last_seq');
      return row ? Number(row.last_seq) : 0;
    },
    /** Messages in ascending seq: the newest `limit` below `beforeSeq`, or the first `limit` above `afterSeq`. */
    async page(roomId: string, opts: { afterSeq?: number; beforeSeq?: number; limit: number }): Promise<ChatMessage[]> {
      const query = base().where('messages.room_id', roomId).limit(opts.limit);
      if (opts.afterSeq !== undefined) query.where('messages.seq', '>', opts.afterSeq);
      if (opts.beforeSeq !== undefined) query.where('messages.seq', '<', opts.beforeSeq);
      if (opts.afterSeq !== undefined) {
        const rows: MessageRow[] = await query.orderBy('messages.seq', 'asc');
        return rows.map(toMessage);
      }
      const rows: MessageRow[] = await query.orderBy('messages.seq', 'desc');
      return rows.reverse().map(toMessage);
    },
    async findInRoom(roomId: string, messageId: number): Promise<ChatMessage | null> {
      const row: MessageRow | undefined = await base().where({ 'messages.room_id': roomId, 'messages.id': messageId }).first();
      return row ? toMessage(row) : null;
    },
    /** Deletes a message (its text is erased) and takes it out of the search index, in one transaction. */
    async markDeleted(messageId: number, byUserId: number): Promise<void> {
      await knex.transaction(async (trx) => {
        await trx('messages')
          .where({ id: messageId })
          .whereNull('deleted_at')
          .update({ deleted_at: new Date(clock.now()).toISOString(), deleted_by: byUserId, body: '' });
        await trx('search_docs').where({ kind: 'message', item_id: messageId }).delete();
      });
    },
  };
}

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
