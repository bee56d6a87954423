/**
 * The gate's decision per failed attempt, as a pure function. Codes and their meaning from Meta's table:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
 */
import { GraphApiError } from '../transport';
import { decideReaction, type ReactionContext } from './reactions';
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
