/** callRedisWithin under a fake clock: a call past its deadline marks its client (a cluster's: its master) frozen until its late answer comes; a cluster master that refuses calls is down until a probe is answered. */
import * as net from 'node:net';
import { callRedisWithin, RedisDeadlineError, RedisMasterDownError, redisUnavailable } from './call';
import { keySlot } from './slots';

afterEach(() => jest.useRealTimers());

/** A connected client whose next call answers only when told (a frozen server keeps the connection open). */
function frozenClient() {
	const client = { status: 'ready' };
	let answer: (value: string) => void = () => undefined;
	let calls = 0;
	const call = () => {
		calls++;
		return new Promise<string>((resolve) => (answer = resolve));
	};
	return { client, call, answer: (value: string) => answer(value), calls: () => calls };
}

test('a call past its deadline fails; later calls fail at once without reaching Redis until the late answer comes', async () => {
	jest.useFakeTimers();
	const redis = frozenClient();
	const first = callRedisWithin(redis.client, redis.call, 1000);
	const failed = expect(first).rejects.toBeInstanceOf(RedisDeadlineError);
	await jest.advanceTimersByTimeAsync(1000);
	// The deadline is told after the next poll (an answer already read would win).
	await jest.advanceTimersByTimeAsync(1);
	await failed;
	expect(redisUnavailable(redis.client)).toBe(true);
	// No timer needed: it fails now, and nothing more is sent to the frozen server.
	await expect(callRedisWithin(redis.client, redis.call, 1000)).rejects.toThrow('has not answered an earlier call');
	expect(redis.calls()).toBe(1);
	const error = (await first.catch((reason: unknown) => reason)) as RedisDeadlineError;
	let over = false;
	void error.over.then(() => (over = true));
	redis.answer('late');
	await Promise.resolve();
	await Promise.resolve();
	expect(over).toBe(true);
	expect(redisUnavailable(redis.client)).toBe(false);
	const next = callRedisWithin(redis.client, redis.call, 1000);
	await Promise.resolve();
	redis.answer('on time');
	await expect(next).resolves.toBe('on time');
});

test('a client not connected when the deadline passes is not counted frozen (its calls fail on their own)', async () => {
	jest.useFakeTimers();
	const redis = frozenClient();
	redis.client.status = 'reconnecting';
	const first = callRedisWithin(redis.client, redis.call, 1000);
	const failed = expect(first).rejects.toBeInstanceOf(RedisDeadlineError);
	await jest.advanceTimersByTimeAsync(1000);
	// The deadline is told after the next poll (an answer already read would win).
	await jest.advanceTimersByTimeAsync(1);
	await failed;
	expect(redisUnavailable(redis.client)).toBe(false);
});

test('an answer that came while the event loop was busy past the deadline is read first: a busy process is no frozen Redis', async () => {
	// Real sockets and timers: the order of Node's phases (timers before I/O) is what is tested, not a duration.
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
	const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
	await new Promise<void>((resolve) => socket.once('connect', resolve));
	const redisSide = await accepted;
	const client = { status: 'ready' };
	try {
		const answer = callRedisWithin(
			client,
			() =>
				new Promise<string>((resolve) => {
					socket.once('data', (data) => resolve(String(data)));
					// Answered at once: the reply waits in the socket for the next poll.
					redisSide.write('PONG');
				}),
			50,
		);
		// After the call went out and its deadline was armed: the loop is busy well past the deadline.
		setImmediate(() => {
			const until = Date.now() + 250;
			while (Date.now() < until) {
				// a synchronous stretch of work
			}
		});
		await expect(answer).resolves.toBe('PONG');
		expect(redisUnavailable(client)).toBe(false);
	} finally {
		socket.destroy();
		redisSide.destroy();
		await new Promise((resolve) => server.close(resolve));
	}
});

test("on a Redis Cluster a call past its deadline freezes only its keys' master: calls on the other masters still go", async () => {
	jest.useFakeTimers();
	const redis = frozenClient();
	// Two masters, each serving half the slots (as ioredis's `slots` lists them, master first).
	const client = { ...redis.client, isCluster: true, slots: Array.from({ length: 16384 }, (_, slot) => [slot < 8192 ? '10.0.0.1:6379' : '10.0.0.2:6379']) };
	const onFirst = ['a', 'b', 'c', 'd'].find((key) => keySlot(key) < 8192)!;
	const onSecond = ['a', 'b', 'c', 'd'].find((key) => keySlot(key) >= 8192)!;
	const first = callRedisWithin(client, redis.call, 1000, [onFirst]);
	const failed = expect(first).rejects.toMatchObject({ node: '10.0.0.1:6379' });
	await jest.advanceTimersByTimeAsync(1001);
	await failed;
	expect([redisUnavailable(client, [onFirst]), redisUnavailable(client, [onSecond]), redisUnavailable(client)]).toEqual([true, false, true]);
	await expect(callRedisWithin(client, redis.call, 1000, [onFirst, onSecond])).rejects.toThrow('has not answered an earlier call');
	const other = callRedisWithin(client, () => Promise.resolve('answered'), 1000, [onSecond]);
	await expect(other).resolves.toBe('answered');
	// A late call over both masters cannot tell which one froze: it freezes neither.
	redis.answer('late');
	await Promise.resolve();
	await Promise.resolve();
	expect(redisUnavailable(client)).toBe(false);
	const both = callRedisWithin(client, redis.call, 1000, [onFirst, onSecond]);
	const bothFailed = expect(both).rejects.toMatchObject({ node: undefined });
	await jest.advanceTimersByTimeAsync(1001);
	await bothFailed;
	expect(redisUnavailable(client)).toBe(false);
});

/** A connected cluster client over two masters, each serving half the slots; `refuse` makes the first one refuse calls (killed). */
function twoMasters() {
	let refusing = false;
	let probes = 0;
	const onFirst = ['a', 'b', 'c', 'd'].find((key) => keySlot(key) < 8192)!;
	const onSecond = ['a', 'b', 'c', 'd'].find((key) => keySlot(key) >= 8192)!;
	// As ioredis words it after its retries (its cluster client's handleError), seen for a killed master in cluster.timing.test.ts.
	const refusal = () => new Error('Too many Cluster redirections. Last error: Error: Connection is closed.');
	const client = {
		status: 'ready',
		isCluster: true,
		slots: Array.from({ length: 16384 }, (_, slot) => [slot < 8192 ? '10.0.0.1:6379' : '10.0.0.2:6379']),
		exists: (key: string) => {
			probes++;
			return refusing && keySlot(key) < 8192 ? Promise.reject(refusal()) : Promise.resolve(0);
		},
	};
	let sent = 0;
	const call = (key: string) => () => {
		sent++;
		return refusing && keySlot(key) < 8192 ? Promise.reject(refusal()) : Promise.resolve(`answered ${key}`);
	};
	return { client, onFirst, onSecond, call, refuse: (on: boolean) => (refusing = on), sent: () => sent, probes: () => probes };
}

test('on a Redis Cluster a master that refuses a call (killed) counts as down: calls on its keys fail at once, the others go, until a probe is answered', async () => {
	jest.useFakeTimers();
	const cluster = twoMasters();
	cluster.refuse(true);
	const { client, onFirst, onSecond, call } = cluster;
	const refused = await callRedisWithin(client, call(onFirst), 1000, [onFirst]).catch((error: unknown) => error);
	expect(refused).toBeInstanceOf(RedisMasterDownError);
	expect(refused).toMatchObject({ node: '10.0.0.1:6379', message: expect.stringContaining('Connection is closed') });
	expect([redisUnavailable(client, [onFirst]), redisUnavailable(client, [onSecond])]).toEqual([true, false]);
	// No call reaches the master that refused: its users go local at once (no retries of ioredis's to wait through).
	await expect(callRedisWithin(client, call(onFirst), 1000, [onFirst])).rejects.toBeInstanceOf(RedisMasterDownError);
	await expect(callRedisWithin(client, call(onFirst), 1000, [onFirst, onSecond])).rejects.toBeInstanceOf(RedisMasterDownError);
	expect(cluster.sent()).toBe(1);
	await expect(callRedisWithin(client, call(onSecond), 1000, [onSecond])).resolves.toBe(`answered ${onSecond}`);
	let back = false;
	void (refused as RedisMasterDownError).over.then(() => (back = true));
	// Probed once per deadline: still refused, still down.
	await jest.advanceTimersByTimeAsync(1000);
	expect([cluster.probes(), back, redisUnavailable(client, [onFirst])]).toEqual([1, false, true]);
	// Restarted (or its replica promoted): the next probe is answered, and calls go again.
	cluster.refuse(false);
	await jest.advanceTimersByTimeAsync(1000);
	expect([cluster.probes(), back, redisUnavailable(client, [onFirst])]).toEqual([2, true, false]);
	await expect(callRedisWithin(client, call(onFirst), 1000, [onFirst])).resolves.toBe(`answered ${onFirst}`);
});

test('an error Redis answered (a script error, a wrong type) counts no master down', async () => {
	jest.useFakeTimers();
	const { client, onFirst } = twoMasters();
	const answered = () => Promise.reject(new Error('ERR user_script:1: Script attempted to access nonexistent global variable'));
	await expect(callRedisWithin(client, answered, 1000, [onFirst])).rejects.toThrow('Script attempted');
	expect(redisUnavailable(client, [onFirst])).toBe(false);
});

test('a closed client ends its masters\' outages (no probe keeps running)', async () => {
	jest.useFakeTimers();
	const cluster = twoMasters();
	cluster.refuse(true);
	const refused = (await callRedisWithin(cluster.client, cluster.call(cluster.onFirst), 1000, [cluster.onFirst]).catch((error: unknown) => error)) as RedisMasterDownError;
	cluster.client.status = 'end';
	let over = false;
	void refused.over.then(() => (over = true));
	await jest.advanceTimersByTimeAsync(1000);
	expect([over, cluster.probes(), redisUnavailable(cluster.client)]).toEqual([true, 0, false]);
});
