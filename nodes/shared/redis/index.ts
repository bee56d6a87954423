export { callRedisBySlot, callRedisWithin, RedisDeadlineError, RedisMasterDownError, RedisOutageError, redisUnavailable, type ConnectingClient, type RoutedClient } from './call';
export { keySlot, positionsBySlot } from './slots';
export { closeRedisClients, connectRedis, getRedisClient, redisServerOf, releaseRedisClient, type RedisClient } from './clients';
export { resolveRedisTarget, redisConnectionOf, type RedisTarget } from './target';
export { checkedRedisOptions, loginFingerprint, watchRedisVersion } from './server';
