/**
 * A long send tells n8n's log what is happening: the time it should take (messages ÷ messages per second), then a line
 * per tenth settled (never more often than every few seconds), then the end. The rule under a fake clock; then a real
 * execution through n8n-core, its lines read from n8n's logger.
 */
import { recordLogs, type LogRecorder } from '../../../test/security/sweep';
import type { Simulator } from '../../../test/simulator';
import { startProgress, type ProgressInput } from '../progress';
import { byId, HIGH_NUMBER, send, withSimulator } from './helpers';

describe('the progress rule (fake clock)', () => {
	function run(total: number, msPerMessage: number, failedEvery = 0, overrides: Partial<ProgressInput> = {}): string[] {
		const lines: string[] = [];
		let now = 1_000_000;
		const progress = startProgress({
			label: 'Send',
			total,
			senders: 1,
			largestPerSender: total,
			messagesPerSecond: 80,
			now: () => now,
			log: (line) => lines.push(line),
			...overrides,
		});
		for (let i = 1; i <= total; i++) {
			now += msPerMessage;
			progress?.settled(failedEvery > 0 && i % failedEvery === 0);
		}
		return lines;
	}

	it('a 1,000-message broadcast at 80 msg/s: the expected time first, a line per tenth at most every 5 s, then the end', () => {
		expect(run(1000, 12.5)).toEqual([
			'Send: sending 1,000 messages from 1 number at up to 80 msg/s: about 13 s (1,000 ÷ 80 msg/s); progress every 10 %',
			'Send: 400 of 1,000 messages settled (40 %) after 5 s; about 8 s left',
			'Send: 800 of 1,000 messages settled (80 %) after 10 s; about 3 s left',
			'Send: all 1,000 messages settled in 13 s (80 msg/s)',
		]);
	});

	it('a slow send logs every tenth, with the failures so far', () => {
		const lines = run(200, 1000, 50);
		expect(lines).toHaveLength(11);
		expect(lines[1]).toBe('Send: 20 of 200 messages settled (10 %) after 20 s; about 180 s left');
		expect(lines[5]).toBe('Send: 100 of 200 messages settled (50 %) after 100 s; about 100 s left; 2 failed');
		expect(lines[10]).toBe('Send: all 200 messages settled in 200 s (1 msg/s); 4 failed');
	});

	it('several sender numbers: the busiest one sets the time', () => {
		expect(run(300, 1, 0, { senders: 2, largestPerSender: 200 })[0]).toBe(
			'Send: sending 300 messages from 2 numbers at up to 80 msg/s: about 3 s (200 ÷ 80 msg/s); progress every 10 %',
		);
	});

	it('a short send logs nothing', () => {
		expect(run(99, 12.5)).toEqual([]);
	});
});

describe('a broadcast in n8n logs its progress through n8n\'s logger', () => {
	let sim: Simulator;
	let logs: LogRecorder;
	withSimulator((started) => (sim = started));
	beforeEach(() => {
		logs = recordLogs();
	});
	afterEach(() => logs.restore());

	it('300 template-free messages on a 1,000 msg/s number: the start with its expected time, and the end; no line per message', async () => {
		const inputItems = Array.from({ length: 300 }, (_, i) => ({ json: { phone: `+1650${String(5_550_000 + i)}` } }));
		const result = await send(
			sim,
			{ phoneNumberId: byId(HIGH_NUMBER), messageType: 'text', textBody: 'News', recipient: '={{ $json.phone }}' },
			{ inputItems, credentials: { throughputTier: 'high' } },
		);
		expect(result.error).toBeUndefined();
		const progress = logs.lines.filter((line) => line.startsWith('logger.info: WhatsApp Send Message "Send"'));
		expect(progress[0]).toMatch(/^logger\.info: WhatsApp Send Message "Send" \(execution [^)]+\): sending 300 messages from 1 number at up to 1,000 msg\/s: about 1 s \(300 ÷ 1,000 msg\/s\)/);
		expect(progress[progress.length - 1]).toMatch(/: all 300 messages settled in \d+ s/);
		expect(progress.length).toBeLessThanOrEqual(11);
	});
});
