/**
 * What a long send tells n8n's log while the gate paces it: a line when it starts (with the time it should take), a
 * line per tenth done (at most one every few seconds), and a line when every message has settled. Pure but for the
 * clock and the log it is given.
 */

export interface ProgressSettings {
	/** Fewer messages than this log nothing: they take a few seconds at most. */
	minMessages: number;
	/** A line each time this share more of the messages has settled… */
	stepShare: number;
	/** …but never sooner than this after the previous line (the last line always comes). */
	minIntervalMs: number;
}

export const PROGRESS_SETTINGS: ProgressSettings = { minMessages: 100, stepShare: 0.1, minIntervalMs: 5000 };

export interface ProgressInput {
	/** Who is speaking, e.g. `WhatsApp Send Message "Broadcast" (execution 12)`. */
	label: string;
	total: number;
	/** Sender numbers in this execution, and the messages of the busiest one (it sets the time). */
	senders: number;
	largestPerSender: number;
	/** The credential's messages per second; undefined when it cannot be read (the sends will say why). */
	messagesPerSecond?: number;
	now: () => number;
	log: (line: string) => void;
}

export interface ProgressReport {
	/** One message settled: sent, or failed. */
	settled(failed: boolean): void;
}

const count = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${count(Math.max(0, Math.round(ms / 1000)))} s`;

/** The time a send should take at the gate's pace: the busiest sender's messages ÷ messages per second. */
export function expectedSeconds(largestPerSender: number, messagesPerSecond: number): number {
	return Math.ceil(largestPerSender / messagesPerSecond);
}

/** Starts reporting a send of `input.total` messages, or returns undefined when it is too short to need it. */
export function startProgress(input: ProgressInput, settings: ProgressSettings = PROGRESS_SETTINGS): ProgressReport | undefined {
	const { label, total, now, log } = input;
	if (total < settings.minMessages) return undefined;
	const started = now();
	const from = input.senders === 1 ? '1 number' : `${count(input.senders)} numbers`;
	const pace = input.messagesPerSecond
		? ` at up to ${count(input.messagesPerSecond)} msg/s: about ${count(expectedSeconds(input.largestPerSender, input.messagesPerSecond))} s (${count(input.largestPerSender)} ÷ ${count(input.messagesPerSecond)} msg/s)`
		: '';
	log(`${label}: sending ${count(total)} messages from ${from}${pace}; progress every ${Math.round(settings.stepShare * 100)} %`);
	const step = Math.max(1, Math.ceil(total * settings.stepShare));
	let done = 0;
	let failed = 0;
	let nextStep = step;
	let lastLine = started;
	return {
		settled(hasFailed: boolean) {
			done++;
			if (hasFailed) failed++;
			const at = now();
			const failures = failed ? `; ${count(failed)} failed` : '';
			if (done === total) {
				const rate = at > started ? ` (${count(Math.round((total * 1000) / (at - started)))} msg/s)` : '';
				log(`${label}: all ${count(total)} messages settled in ${seconds(at - started)}${rate}${failures}`);
				return;
			}
			if (done < nextStep || at - lastLine < settings.minIntervalMs) return;
			nextStep = (Math.floor(done / step) + 1) * step;
			lastLine = at;
			const left = ((total - done) * (at - started)) / done;
			log(`${label}: ${count(done)} of ${count(total)} messages settled (${Math.floor((done * 100) / total)} %) after ${seconds(at - started)}; about ${seconds(left)} left${failures}`);
		},
	};
}
