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

	it('refuses a Redis URL that is not one, or a database that is not a number, without echoing it', () => {
		expect(() => resolveRedisTarget('hunter2@@::', {})).toThrow('"Redis URL" in the "WhatsApp Cloud Nodes API" credential is not a URL');
		expect(() => resolveRedisTarget('hunter2@@::', {})).not.toThrow(/hunter2/);
		expect(() => resolveRedisTarget('http://cache:6379', {})).toThrow('must start with redis:// or rediss://');
		expect(() => resolveRedisTarget('redis://:hunter2@cache:6379/x', {})).toThrow('expected a number');
		expect(() => resolveRedisTarget('redis://:hunter2@cache:6379/x', {})).not.toThrow(/hunter2/);
	});

	it('stays in this process outside queue mode without a Redis URL', () => {
		expect(resolveRedisTarget(undefined, { QUEUE_BULL_REDIS_HOST: 'redis' })).toBeUndefined();
		expect(resolveRedisTarget('  ', {})).toBeUndefined();
	});
});
