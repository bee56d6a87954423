/** What a Send and Wait item may ask with, and for how long: pure, so the rules are tested without n8n. */
import type { WaitResponseType } from '../../shared/conversations';
import { ALL_SENDING_KINDS } from '../actions/common';
import type { MessageType } from '../actions/types';

const UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
export type WaitLimitUnit = keyof typeof UNIT_MS;

/** Longest wait: a year (every ledger entry expires; n8n keeps the waiting execution that long). */
export const MAX_WAIT_MS = 365 * UNIT_MS.days;

/** Message kinds that can carry each response type: Choice needs options to tap, Approval adds its buttons to a text. */
export const KINDS_FOR: Record<WaitResponseType, readonly MessageType[]> = {
	approval: ['text'],
	choice: ['buttons', 'list', 'template'],
	freeText: ALL_SENDING_KINDS,
};

/** The problem with this message kind for this response type, or undefined when it can ask. */
export function kindProblem(responseType: WaitResponseType, messageType: MessageType, kindName: (type: MessageType) => string): string | undefined {
	const allowed = KINDS_FOR[responseType];
	if (!allowed) return `Response Type "${responseType}" is not one of Approval, Choice, Free Text`;
	if (allowed.includes(messageType)) return undefined;
	if (responseType === 'approval') {
		return `Approval sends your Message Text with Approve and Decline buttons, so Message Type must be Text (got ${kindName(messageType)}); for your own buttons or list, pick Response Type "Choice"`;
	}
	if (responseType === 'choice') {
		return `Choice waits for a tapped option, so Message Type must be Reply Buttons, List or Template (got ${kindName(messageType)}); for any answer, pick Response Type "Free Text"`;
	}
	return `${kindName(messageType)} sends no message to answer: pick a kind that sends one`;
}

/** The wait limit in milliseconds, or the problem with it. */
export function waitLimitMs(amount: unknown, unit: unknown): number | string {
	const perUnit = UNIT_MS[unit as WaitLimitUnit];
	if (perUnit === undefined) return `"Wait Limit Unit" is ${JSON.stringify(unit)}; expected seconds, minutes, hours or days`;
	const value = typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : amount;
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return `"Wait Limit" is ${JSON.stringify(amount)}; expected a number above 0`;
	const ms = Math.round(value * perUnit);
	if (ms > MAX_WAIT_MS) return `"Wait Limit" is ${value} ${unit}, over the longest wait of 365 days`;
	return ms;
}
