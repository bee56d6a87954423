/**
 * Fault injection: deterministic scripted faults (the next N matching calls) first, then random ones by ratio.
 */
import { recipientKey, type FaultAction, type ScriptedFault, type SimulatorOptions } from './types';

interface ActiveScript {
	path?: RegExp;
	recipient?: string;
	method?: string;
	query?: string;
	remaining: number;
	action: FaultAction;
}

/** The call a fault is chosen for. */
export interface FaultTarget {
	method: string;
	/** Path after the version, starting with `/`. */
	path: string;
	/** Digits of the message's `to`, when the call is a send. */
	recipient?: string;
	/** The decoded query, `name=value&…`. */
	query?: string;
}

/** Meta's transient server errors (code 1 is not among them: Meta answers it with HTTP 400 and it is final). */
const RANDOM_5XX: Array<{ httpStatus: number; code: number; message: string }> = [
	{ httpStatus: 503, code: 2, message: 'Service temporarily unavailable' },
	{ httpStatus: 500, code: 131000, message: 'Something went wrong' },
	{ httpStatus: 503, code: 131016, message: 'Service unavailable' },
];

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function validateFaultAction(action: unknown): FaultAction {
	const kinds = ['error', 'reset', 'resetAfterRecord', 'stall', 'stallAfterRecord'];
	const candidate = action as FaultAction | undefined;
	if (!candidate || typeof candidate !== 'object' || !kinds.includes(candidate.kind)) {
		throw new Error(`fault action must be one of ${kinds.map((k) => `{kind:'${k}'}`).join(', ')}`);
	}
	if (candidate.kind === 'error' && typeof candidate.code !== 'number') {
		throw new Error("fault action {kind:'error'} needs a numeric code");
	}
	return candidate;
}

export class FaultPlan {
	private scripts: ActiveScript[] = [];

	/** Adds scripted faults; `path` is a substring unless written as `/regex/`. */
	script(faults: ScriptedFault[]): void {
		for (const fault of faults) {
			const action = validateFaultAction(fault.action);
			let path: RegExp | undefined;
			if (fault.path) {
				const asRegex = /^\/(.+)\/([a-z]*)$/.exec(fault.path);
				path = asRegex && fault.path.length > 2 ? new RegExp(asRegex[1], asRegex[2]) : new RegExp(escapeRegExp(fault.path));
			}
			this.scripts.push({
				path,
				recipient: fault.recipient === undefined ? undefined : recipientKey(fault.recipient),
				method: fault.method?.toUpperCase(),
				query: fault.query,
				remaining: Math.max(1, Math.floor(fault.count ?? 1)),
				action,
			});
		}
	}

	/** True when a scripted fault needs the recipient of the call to decide. */
	get needsRecipient(): boolean {
		return this.scripts.some((s) => s.recipient !== undefined);
	}

	get pending(): number {
		return this.scripts.reduce((sum, s) => sum + s.remaining, 0);
	}

	clear(): void {
		this.scripts = [];
	}

	/** The fault for this call, if any: scripted first (consumed), then random by the options' ratios. */
	pick(target: FaultTarget, options: SimulatorOptions, random: () => number): FaultAction | null {
		if (this.scripts.length > 0) {
			for (let i = 0; i < this.scripts.length; i++) {
				const script = this.scripts[i];
				if (script.method && script.method !== target.method) continue;
				if (script.path && !script.path.test(target.path)) continue;
				if (script.recipient !== undefined && script.recipient !== target.recipient) continue;
				if (script.query !== undefined && !(target.query ?? '').includes(script.query)) continue;
				script.remaining--;
				if (script.remaining <= 0) this.scripts.splice(i, 1);
				return script.action;
			}
		}
		const total =
			options.errorRatio5xx + options.resetBeforeRecordRatio + options.resetAfterRecordRatio + options.stallRatio;
		if (!(total > 0)) return null;
		let u = random();
		if ((u -= options.errorRatio5xx) < 0) {
			const pick = RANDOM_5XX[Math.floor(random() * RANDOM_5XX.length)];
			return { kind: 'error', ...pick };
		}
		if ((u -= options.resetBeforeRecordRatio) < 0) return { kind: 'reset' };
		if ((u -= options.resetAfterRecordRatio) < 0) return { kind: 'resetAfterRecord' };
		if ((u -= options.stallRatio) < 0) {
			return options.stallRecords ? { kind: 'stallAfterRecord' } : { kind: 'stall' };
		}
		return null;
	}
}

/**
 * Default Meta message and type for an error code a script asks for. HTTP statuses as in Meta's error code table
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/).
 */
export function faultErrorDefaults(code: number): { httpStatus: number; message: string; type: string } {
	switch (code) {
		case 130429:
			return { httpStatus: 429, message: '(#130429) Rate limit hit', type: 'OAuthException' };
		case 80007:
			return { httpStatus: 400, message: '(#80007) Rate limit issues', type: 'OAuthException' };
		case 4:
			return { httpStatus: 400, message: '(#4) Application request limit reached', type: 'OAuthException' };
		case 131056:
			return { httpStatus: 400, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', type: 'OAuthException' };
		case 131057:
			return { httpStatus: 400, message: '(#131057) Account in maintenance mode', type: 'OAuthException' };
		case 1:
			return { httpStatus: 400, message: 'An unknown error occurred', type: 'OAuthException' };
		case 3:
			return { httpStatus: 500, message: '(#3) Application does not have the capability to make this API call.', type: 'OAuthException' };
		case 131045:
			return { httpStatus: 500, message: '(#131045) Incorrect certificate', type: 'OAuthException' };
		case 133000:
			return { httpStatus: 500, message: '(#133000) Incomplete deregistration', type: 'OAuthException' };
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes#marketing-messages-api-for-whatsapp-error-codes
		case 134101:
			return { httpStatus: 400, message: '(#134101) Your template is still syncing', type: 'OAuthException' };
		case 134102:
			return { httpStatus: 500, message: '(#134102) Template unavailable for use', type: 'OAuthException' };

		case 2:
			return { httpStatus: 503, message: 'Service temporarily unavailable', type: 'OAuthException' };
		case 131000:
			return { httpStatus: 500, message: 'Something went wrong', type: 'OAuthException' };
		case 131016:
			return { httpStatus: 503, message: 'Service unavailable', type: 'OAuthException' };
		case 190:
			return { httpStatus: 401, message: 'Error validating access token: Session has expired', type: 'OAuthException' };
		default:
			return { httpStatus: 400, message: `(#${code}) Simulated error`, type: 'OAuthException' };
	}
}
