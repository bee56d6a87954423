/** callRedisWithin under a fake clock: a call past its deadline marks its client (a cluster's: its master) frozen until its late answer comes. */
import * as net from 'node:net';
import { callRedisWithin, RedisDeadlineError, redisFrozen } from './call';
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
	expect(redisFrozen(redis.client)).toBe(true);
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
	expect(redisFrozen(redis.client)).toBe(false);
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
	expect(redisFrozen(redis.client)).toBe(false);
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
		expect(redisFrozen(client)).toBe(false);
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
	expect([redisFrozen(client, [onFirst]), redisFrozen(client, [onSecond]), redisFrozen(client)]).toEqual([true, false, true]);
	await expect(callRedisWithin(client, redis.call, 1000, [onFirst, onSecond])).rejects.toThrow('has not answered an earlier call');
	const other = callRedisWithin(client, () => Promise.resolve('answered'), 1000, [onSecond]);
	await expect(other).resolves.toBe('answered');
	// A late call over both masters cannot tell which one froze: it freezes neither.
	redis.answer('late');
	await Promise.resolve();
	await Promise.resolve();
	expect(redisFrozen(client)).toBe(false);
	const both = callRedisWithin(client, redis.call, 1000, [onFirst, onSecond]);
	const bothFailed = expect(both).rejects.toMatchObject({ node: undefined });
	await jest.advanceTimersByTimeAsync(1001);
	await bothFailed;
	expect(redisFrozen(client)).toBe(false);
});
