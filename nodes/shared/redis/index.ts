export { callRedisWithin, type ConnectingClient } from './call';
export { closeRedisClients, getRedisClient, releaseRedisClient } from './clients';
export { resolveRedisTarget, redisConnectionOf, type RedisTarget } from './target';
export { checkedRedisOptions, loginFingerprint, watchRedisVersion } from './server';
