import { tlsFromEnv } from './queueMode';
import { keySlot } from './slots';
import { resolveRedisTarget } from './target';

describe('which Redis the gate, the dedupe and the ledger share through', () => {
	it("takes the credential's Redis URL, keeping the password out of the target's name", () => {
		const target = resolveRedisTarget('redis://user:s3cret@cache:6380/2', {});
		expect(target?.options).toMatchObject({ host: 'cache', port: 6380, username: 'user', password: 's3cret', db: 2 });
		expect(target?.id).toBe('redis://user@cache:6380/2');
		expect(`${target?.id} ${target?.login}`).not.toContain('s3cret');
	});

	it('reads rediss:// as TLS and a bracketed IPv6 host', () => {
		expect(resolveRedisTarget('rediss://[::1]:6390', {})?.options).toMatchObject({ host: '::1', port: 6390, db: 0, tls: {} });
	});

	it("uses n8n queue mode's QUEUE_BULL_REDIS_* variables when the credential has no URL", () => {
		const target = resolveRedisTarget('', {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: 'redis.internal',
			QUEUE_BULL_REDIS_PORT: '6390',
			QUEUE_BULL_REDIS_PASSWORD: 'pw',
			QUEUE_BULL_REDIS_USERNAME: 'n8n',
			QUEUE_BULL_REDIS_DB: '3',
			QUEUE_BULL_REDIS_TLS: 'true',
		});
		expect(target?.options).toMatchObject({ host: 'redis.internal', port: 6390, password: 'pw', username: 'n8n', db: 3, tls: {} });
		expect(target?.id).toBe('rediss://n8n@redis.internal:6390/3');
	});

	it('one login, one connection: another password is another connection, the same one the same', () => {
		const a = resolveRedisTarget('redis://u:one@cache:6379', {})!;
		const b = resolveRedisTarget('redis://u:two@cache:6379', {})!;
		expect(a.id).toBe(b.id);
		expect(a.login).not.toBe(b.login);
		expect(resolveRedisTarget('redis://u:one@cache:6379', {})!.login).toBe(a.login);
	});

	it("parses a credential's URL once per process (each webhook request resolves it), and refuses a bad one every time", () => {
		const first = resolveRedisTarget('redis://u:one@cache:6379/1', {});
		expect(resolveRedisTarget(' redis://u:one@cache:6379/1 ', {})).toBe(first);
		expect(resolveRedisTarget('redis://u:two@cache:6379/1', {})).not.toBe(first);
		expect(() => resolveRedisTarget('hunter2@@::', {})).toThrow('is not a URL');
		expect(() => resolveRedisTarget('hunter2@@::', {})).toThrow('is not a URL');
	});

	it('refuses a Redis URL that is not one, or a database that is not a number, without echoing it', () => {
		expect(() => resolveRedisTarget('hunter2@@::', {})).toThrow('"Redis URL" in the "WhatsApp Cloud Nodes API" credential is not a URL');
		expect(() => resolveRedisTarget('hunter2@@::', {})).not.toThrow(/hunter2/);
		expect(() => resolveRedisTarget('http://cache:6379', {})).toThrow('must start with redis://, rediss://, redis+cluster:// or rediss+cluster://');
		expect(() => resolveRedisTarget('redis://:hunter2@cache:6379/x', {})).toThrow('expected a number');
		expect(() => resolveRedisTarget('redis://:hunter2@cache:6379/x', {})).not.toThrow(/hunter2/);
	});

	it('stays in this process outside queue mode without a Redis URL', () => {
		expect(resolveRedisTarget(undefined, { QUEUE_BULL_REDIS_HOST: 'redis' })).toBeUndefined();
		expect(resolveRedisTarget('  ', {})).toBeUndefined();
	});

	// n8n's own reading: packages/@n8n/config/src/configs/scaling-mode.config.ts and
	// packages/cli/src/services/redis-client.service.ts (n8n-io/n8n): cluster nodes override HOST and PORT.
	it("uses n8n's QUEUE_BULL_REDIS_CLUSTER_NODES as n8n does: a cluster client, the login and TLS on every node", () => {
		const target = resolveRedisTarget('', {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_CLUSTER_NODES: 'redis-1:7000, redis-2:7001,[fd00::3]:7002',
			QUEUE_BULL_REDIS_HOST: 'ignored',
			QUEUE_BULL_REDIS_USERNAME: 'n8n',
			QUEUE_BULL_REDIS_PASSWORD: 'pw',
			QUEUE_BULL_REDIS_TLS: 'true',
			QUEUE_BULL_REDIS_DUALSTACK: 'true',
			QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT: '1500',
			QUEUE_BULL_REDIS_SLOT_REFRESH_INTERVAL: '7000',
		});
		expect(target?.cluster?.nodes).toEqual([
			{ host: 'redis-1', port: 7000 },
			{ host: 'redis-2', port: 7001 },
			{ host: 'fd00::3', port: 7002 },
		]);
		expect(target?.cluster?.options).toMatchObject({ slotsRefreshTimeout: 1500, slotsRefreshInterval: 7000, enableOfflineQueue: false });
		expect(target?.options).toMatchObject({ username: 'n8n', password: 'pw', tls: {}, family: 0 });
		expect(target?.options.host).toBeUndefined();
		expect(target?.id).toBe('rediss+cluster://n8n@redis-1:7000,redis-2:7001,[fd00::3]:7002');
	});

	it('takes a cluster from the credential as redis+cluster://user:password@host:port,host:port, checked against SSRF', () => {
		const target = resolveRedisTarget('redis+cluster://u:p%40ss@10.0.0.1:7000,10.0.0.2:7001', {});
		expect(target?.cluster?.nodes).toEqual([
			{ host: '10.0.0.1', port: 7000 },
			{ host: '10.0.0.2', port: 7001 },
		]);
		expect(target?.options).toMatchObject({ username: 'u', password: 'p@ss' });
		expect(target?.options.Connector).toBeDefined();
		expect(target?.id).toBe('redis+cluster://u@10.0.0.1:7000,10.0.0.2:7001');
		expect(resolveRedisTarget('rediss+cluster://cache:7000', {})?.options.tls).toEqual({});
	});

	it('refuses a cluster URL with a bad node or a database, without echoing it', () => {
		expect(() => resolveRedisTarget('redis+cluster://:hunter2@a:7000,b:x', {})).toThrow('node 2 is not host:port');
		expect(() => resolveRedisTarget('redis+cluster://:hunter2@a:7000,b:x', {})).not.toThrow(/hunter2/);
		expect(() => resolveRedisTarget('redis+cluster://a:7000/3', {})).toThrow('a cluster has database 0 only');
		expect(() => resolveRedisTarget('', { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_CLUSTER_NODES: 'a:1,,b:c' })).toThrow(
			'QUEUE_BULL_REDIS_CLUSTER_NODES lists Redis Cluster nodes: node 2 is not host:port',
		);
	});

	// Slots from the cluster specification's examples (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/).
	it('hashes keys to Redis Cluster slots, only the {hash tag} when there is one', () => {
		expect(keySlot('123456789')).toBe(0x31c3);
		expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
		expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
		expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
		expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
	});

	it("builds TLS from n8n's QUEUE_BULL_REDIS_TLS_* as n8n does: files read once, absolute paths only, errors without their content", () => {
		const reads: string[] = [];
		const readFile = (path: string): string => {
			reads.push(path);
			if (path === '/certs/missing.pem') throw Object.assign(new Error('ENOENT: /certs/missing.pem'), { code: 'ENOENT' });
			return `PEM of ${path}`;
		};
		const env = {
			QUEUE_BULL_REDIS_TLS: 'true',
			QUEUE_BULL_REDIS_TLS_CA_FILE: '/certs/ca.pem',
			QUEUE_BULL_REDIS_TLS_SERVERNAME: 'redis.internal',
			QUEUE_BULL_REDIS_TLS_REJECT_UNAUTHORIZED: 'false',
		};
		expect(tlsFromEnv(env, readFile)).toMatchObject({ ca: 'PEM of /certs/ca.pem', servername: 'redis.internal', rejectUnauthorized: false });
		tlsFromEnv(env, readFile);
		expect(reads).toEqual(['/certs/ca.pem']);
		expect(tlsFromEnv({ ...env, QUEUE_BULL_REDIS_TLS: 'false' }, readFile)).toBeUndefined();
		expect(() => tlsFromEnv({ ...env, QUEUE_BULL_REDIS_TLS_CA_FILE: 'certs/ca.pem' }, readFile)).toThrow('QUEUE_BULL_REDIS_TLS_CA_FILE must be an absolute path');
		expect(() => tlsFromEnv({ ...env, QUEUE_BULL_REDIS_TLS_CERT_FILE: '/certs/missing.pem' }, readFile)).toThrow(
			'QUEUE_BULL_REDIS_TLS_CERT_FILE names a file that cannot be read (ENOENT)',
		);
	});

	it('refuses QUEUE_BULL_REDIS_DUALSTACK with QUEUE_BULL_REDIS_IPV6, as n8n does', () => {
		expect(() =>
			resolveRedisTarget('', { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_DUALSTACK: 'true', QUEUE_BULL_REDIS_IPV6: 'true' }),
		).toThrow('only one of them');
		expect(resolveRedisTarget('', { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_IPV6: 'true' })?.options.family).toBe(6);
	});

	it("resolves a credential's cluster nodes by their names (the SSRF check and TLS see the name), n8n's by its DNS strategy", () => {
		const lookup = (target: ReturnType<typeof resolveRedisTarget>) => target?.cluster?.options.dnsLookup;
		expect(lookup(resolveRedisTarget('rediss+cluster://cache.example:7000', {}))).toBeDefined();
		const queue = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_CLUSTER_NODES: 'redis-1:7000' };
		expect(lookup(resolveRedisTarget('', queue))).toBeUndefined();
		expect(lookup(resolveRedisTarget('', { ...queue, QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY: 'NONE' }))).toBeDefined();
	});
});
