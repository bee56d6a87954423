/**
 * The gate's decision per failed attempt, as a pure function. Codes and their meaning from Meta's table:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
 */
import { GraphApiError } from '../transport';
import { applyReaction, decideReaction, fateOf, type Reaction, type ReactionContext, type ReactionEffects } from './reactions';
import { DEFAULT_TIMINGS } from './settings';
import type { GateSettings } from './settings';

const timings = { ...DEFAULT_TIMINGS, maintenanceWaitMs: 45_000, transientBackoffBaseMs: 100 };
const context: ReactionContext = {
	attempts: 1,
	recipientStrikes: 1,
	budgetStrikes: 1,
	settings: { retryAmbiguous: false } as GateSettings,
	timings,
	random: () => 0.5,
};

function failure(code: number, httpStatus: number): GraphApiError {
	return new GraphApiError({ message: `(#${code}) test`, code, httpStatus });
}

test('2494100 (maintenance) pauses the number for the maintenance wait, exactly like 131057', () => {
	expect(decideReaction(failure(2494100, 400), context)).toEqual({ kind: 'pauseNumber', pauseMs: 45_000 });
	expect(decideReaction(failure(2494100, 503), context)).toEqual(decideReaction(failure(131057, 400), context));
});

test.each([
	[131045, 500],
	[133000, 500],
	[1, 400],
	[1, 500],
	[131049, 400],
])('%i with HTTP %i gives up at once: Meta answers it the same way again', (code, status) => {
	expect(decideReaction(failure(code, status), context)).toEqual({ kind: 'fail' });
});

test('a 5xx with a transient code is still retried after a backoff', () => {
	expect(decideReaction(failure(131000, 500), context)).toEqual({ kind: 'retry', delayMs: 100 });
});

describe("a failed call's fate", () => {
	const settings = { maxAttempts: 3, maxWaitMs: 10_000, pairRateLimiting: true };
	const call = { attempts: 1, firstQueuedAt: 0, recipient: '+15550001', settings };

	test('a final error gives up at once', () => {
		expect(fateOf({ kind: 'fail' }, call, 100)).toEqual({ kind: 'giveUp' });
	});

	test('a retry goes again after its delay, until the last attempt failed', () => {
		expect(fateOf({ kind: 'retry', delayMs: 500 }, call, 100)).toEqual({ kind: 'retryAt', at: 600 });
		expect(fateOf({ kind: 'slowDown', delayMs: 500 }, { ...call, attempts: 2 }, 100)).toEqual({ kind: 'retryAt', at: 600 });
		expect(fateOf({ kind: 'retry', delayMs: 500 }, { ...call, attempts: 3 }, 100)).toEqual({ kind: 'giveUp' });
	});

	test('a call gives up when its next attempt would start past its longest wait, not at it', () => {
		expect(fateOf({ kind: 'pauseNumber', pauseMs: 4000 }, call, 6000)).toEqual({ kind: 'retryAt', at: 10_000 });
		expect(fateOf({ kind: 'pauseNumber', pauseMs: 4001 }, call, 6000)).toEqual({ kind: 'giveUp' });
		expect(fateOf({ kind: 'pauseWaba', pauseMs: 60_000, fromHeader: true }, call, 0)).toEqual({ kind: 'giveUp' });
	});

	test("a 131056 sends the call back to its recipient's line under the pair rate; without it, or a recipient, it waits the pause", () => {
		const pause = { kind: 'pauseRecipient', pauseMs: 2000 } as const;
		expect(fateOf(pause, call, 100)).toEqual({ kind: 'backToRecipient' });
		expect(fateOf(pause, { ...call, settings: { ...settings, pairRateLimiting: false } }, 100)).toEqual({ kind: 'retryAt', at: 2100 });
		expect(fateOf(pause, { ...call, recipient: undefined }, 100)).toEqual({ kind: 'retryAt', at: 2100 });
	});
});

test('each reaction takes effect on its own target with its pause; a retry or a final error on none', () => {
	const applied: string[] = [];
	const effects: ReactionEffects = {
		slowDown: () => applied.push('slowDown'),
		pauseWaba: (pauseMs) => applied.push(`pauseWaba ${pauseMs}`),
		pauseNumber: (pauseMs) => applied.push(`pauseNumber ${pauseMs}`),
		pauseRecipient: (pauseMs) => applied.push(`pauseRecipient ${pauseMs}`),
	};
	const reactions: Reaction[] = [
		{ kind: 'fail' },
		{ kind: 'retry', delayMs: 1 },
		{ kind: 'slowDown', delayMs: 2 },
		{ kind: 'pauseWaba', pauseMs: 3, fromHeader: false },
		{ kind: 'pauseNumber', pauseMs: 4 },
		{ kind: 'pauseRecipient', pauseMs: 5 },
	];
	for (const reaction of reactions) applyReaction(reaction, effects);
	expect(applied).toEqual(['slowDown', 'pauseWaba 3', 'pauseNumber 4', 'pauseRecipient 5']);
});
