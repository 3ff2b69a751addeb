import type { RedisClient } from '../redisConnections';
import { partyKey, type CallStateStore, type LiveCall } from '../domain/calls';

const TTL_S = 12 * 3600;

// ringing → active, atomically, so two tabs answering at once cannot both win.
const ACCEPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local call = cjson.decode(raw)
if call.status ~= 'ringing' then return nil end
call.status = 'active'
call.calleeSocket = ARGV[1]
call.answeredAt = ARGV[2]
local out = cjson.encode(call)
redis.call('SET', KEYS[1], out, 'KEEPTTL')
return out`;

const SET_SOCKET = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local call = cjson.decode(raw)
call[ARGV[1]] = ARGV[2]
local out = cjson.encode(call)
redis.call('SET', KEYS[1], out, 'KEEPTTL')
return out`;

/** Live calls in Redis: one JSON value per call, plus a set of call ids per party. */
export function createRedisCallStore(redis: RedisClient, prefix: string): CallStateStore {
  // One hash tag for every call key: a call and its parties' sets change together in one MULTI, which a Redis
  // Cluster allows only within one slot.
  const key = (id: string) => `${prefix}:{calls}:call:${id}`;
  const partySet = (k: string) => `${prefix}:{calls}:calls-of:${k}`;
  const parse = (raw: string | null): LiveCall | null => {
    if (!raw) return null;
    const call = JSON.parse(raw) as LiveCall;
    // cjson turns an empty/null field into {} or drops it; normalise.
    if (typeof call.calleeSocket !== 'string') call.calleeSocket = null;
    if (typeof call.answeredAt !== 'string') call.answeredAt = null;
    if (typeof call.checkinId !== 'number') call.checkinId = null;
    return call;
  };
  return {
    async create(call) {
      await redis
        .multi()
        .set(key(call.id), JSON.stringify(call), 'EX', TTL_S)
        .sadd(partySet(partyKey(call.caller)), call.id)
        .sadd(partySet(partyKey(call.callee)), call.id)
        .expire(partySet(partyKey(call.caller)), TTL_S)
        .expire(partySet(partyKey(call.callee)), TTL_S)
        .exec();
    },
    get: async (id) => parse(await redis.get(key(id))),
    accept: async (id, socket, at) => parse((await redis.eval(ACCEPT, 1, key(id), socket, at)) as string | null),
    async end(id) {
      const call = parse(await redis.getdel(key(id)));
      if (call) await redis.multi().srem(partySet(partyKey(call.caller)), id).srem(partySet(partyKey(call.callee)), id).exec();
      return call;
    },
    setSocket: async (id, side, socket) => parse((await redis.eval(SET_SOCKET, 1, key(id), side === 'caller' ? 'callerSocket' : 'calleeSocket', socket)) as string | null),
    callsOf: async (party) => redis.smembers(partySet(partyKey(party))),
  };
}
