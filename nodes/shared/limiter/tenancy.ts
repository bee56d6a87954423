/**
 * Who shares what in the gate, on an n8n shared by many users. Meta's limits are per phone number and per WABA whatever
 * the token, so the credentials that share a number share one lane (one pace, one count) and the most permissive of
 * their limits applies. A token proves access with a successful call (2xx) with its own token on the number's path
 * (`/{phone-number-id}…`; the WABA's path for the WABA's budgets): the first proof claims the number for a day.
 * - Nobody proved access yet (a fresh process): every credential naming the number shares it as before, so a single
 *   tenant sees no change; a made-up token's lower limits never win (most permissive), and its calls fail at Meta.
 * - Claimed: only tokens that proved access share the lane, set its limits and see its counters (Get Status). Another
 *   token's first call goes alone through the shared lane (the probe: counted and paced there like any call, changing
 *   nothing of it) while its others wait; proved, they join the lane; refused, they go through a lane and budgets of
 *   the credential's own, and it probes again only after an hour. So a made-up token with another tenant's number ID
 *   can neither lower that tenant's limits, nor take more than one turn an hour, nor read its counters.
 * Calls a token queued on the shared lane before the number was claimed stay there (they drain at the claimed pace).
 * Memory: proofs, claims and refusals are bounded maps (oldest dropped); the hot path is a few map lookups per call.
 * Pure: no I/O, no clock (callers pass `now`).
 */
import type { PendingCall } from './gate';
import type { GraphRequest } from '../transport/types';
import type { GateSettings } from './settings';

/** A proof is trusted a day; then the next call proves it again (a token revoked at Meta stops sharing). */
export const PROOF_TTL_MS = 24 * 3_600_000;
/** Resources × tokens a process has seen succeed: a handful; the bound only stops a pathological churn. */
export const MAX_PROOFS = 100_000;
/** A refused probe is not repeated for an hour: a made-up credential's probes cost a resource one call an hour each. */
export const REFUSAL_TTL_MS = 3_600_000;

/** The (resource, token) pairs seen answering 2xx: the token hash, never the token. */
export class ProofBook {
	private readonly proofs = new Map<string, number>();
	/** (resource, token) pairs whose last probe was refused. */
	private readonly refusals = new Map<string, number>();
	/** Resources some token proved access to: until then (a fresh process) the first credentials share them as before. */
	private readonly claims = new Map<string, number>();

	constructor(
		readonly ttlMs = PROOF_TTL_MS,
		readonly maxEntries = MAX_PROOFS,
	) {}

	has(resource: string, tokenHash: string, now: number): boolean {
		const at = this.proofs.get(`${resource}\n${tokenHash}`);
		return at !== undefined && now - at < this.ttlMs;
	}

	/** Whether some token proved access to the resource lately: from then on only proved tokens share it. */
	claimed(resource: string, now: number): boolean {
		const at = this.claims.get(resource);
		return at !== undefined && now - at < this.ttlMs;
	}

	record(resource: string, tokenHash: string, now: number): void {
		remember(this.claims, resource, now, this.maxEntries);
		remember(this.proofs, `${resource}\n${tokenHash}`, now, this.maxEntries);
		this.refusals.delete(`${resource}\n${tokenHash}`);
	}

	refusedLately(resource: string, tokenHash: string, now: number): boolean {
		const at = this.refusals.get(`${resource}\n${tokenHash}`);
		return at !== undefined && now - at < REFUSAL_TTL_MS;
	}

	refuse(resource: string, tokenHash: string, now: number): void {
		remember(this.refusals, `${resource}\n${tokenHash}`, now, this.maxEntries);
	}

	clear(): void {
		this.proofs.clear();
		this.refusals.clear();
		this.claims.clear();
	}
}

/** Newest last, oldest dropped past `maxEntries`. */
function remember(map: Map<string, number>, key: string, now: number, maxEntries: number): void {
	map.delete(key);
	map.set(key, now);
	while (map.size > maxEntries) map.delete(map.keys().next().value as string);
}

/** Whether a call is on the Graph object `id`: its path is `/{id}`, `/{id}/…` (its query aside). */
export function isOnObject(request: GraphRequest, id: string): boolean {
	const path = request.path;
	if (request.url !== undefined || path === undefined || !path.startsWith(id, 1) || path[0] !== '/') return false;
	const next = path[id.length + 1];
	return next === undefined || next === '/' || next === '?';
}

/**
 * The limits each proved credential offered for one lane or budget; the most permissive applies. A credential offers
 * its limits at each execution; one not offered again for `keepMs` no longer counts (a rotated token's old limits).
 */
export class ProvenSettings {
	private readonly byToken = new Map<string, { settings: GateSettings; at: number }>();

	offer(tokenHash: string, settings: GateSettings, now: number): void {
		this.byToken.set(tokenHash, { settings, at: now });
	}

	/**
	 * The highest ranked of the live offers, or undefined when none is left. `counts`: whether a token's offer still
	 * counts (once someone proved access to the resource, only those that did); the others are dropped.
	 */
	pick(now: number, keepMs: number, rank: (settings: GateSettings) => number, counts: (tokenHash: string) => boolean): GateSettings | undefined {
		let best: GateSettings | undefined;
		let bestRank = -Infinity;
		for (const [tokenHash, offer] of this.byToken) {
			if (now - offer.at > keepMs || !counts(tokenHash)) {
				this.byToken.delete(tokenHash);
				continue;
			}
			const value = rank(offer.settings);
			if (value > bestRank) {
				best = offer.settings;
				bestRank = value;
			}
		}
		return best;
	}
}

/** Where a credential's calls on one resource go, as decided by the registry. */
export interface ProbationPaths {
	/** The credential proved access (now, or since the probation began). */
	proven(): boolean;
	/** Its last probe on the resource was refused lately: no new probe yet, its calls go through its own lane. */
	refused(): boolean;
	/** Remember that the probe was refused. */
	refuse(): void;
	/** The probe: onto the shared lane like any call there (counted and paced), changing nothing of it. */
	probe(call: PendingCall): void;
	/** Onto the shared lane, as a credential that proved access. */
	shared(call: PendingCall): void;
	/** Onto the credential's own lane. */
	own(call: PendingCall): void;
	/** Whether a success of this call proves access to the resource. */
	proves(request: GraphRequest): boolean;
	/** A call proved access: record it (once per probation); `viaOwnLane`: the shared lane has not counted it. */
	proved(call: PendingCall, viaOwnLane: boolean): void;
}

/**
 * One credential's calls on a resource it has not proved access to. The first goes alone, as the probe, through the
 * shared lane (counted there as any call, so it never adds to the resource's limits); the others wait for its first
 * answer (not its retries: a 131056 on it must not hold the rest). Proved: they join the shared lane, and so does every
 * later call (`released` tells the registry to route them there directly). Refused: they go through the credential's
 * own lane, where a later success still proves; a refused credential probes again only after a while.
 */
export class Probation {
	/** No longer where the credential's calls go (it proved access, or the registry forgot it): route them afresh. */
	released = false;
	private provedAccess = false;
	private probing = false;
	private probed = false;
	private readonly held: PendingCall[] = [];

	constructor(private readonly paths: ProbationPaths) {}

	/** Nothing under way or waiting: the registry may forget it. */
	get idle(): boolean {
		return !this.probing && this.held.length === 0;
	}

	/** The registry forgets an idle probation: a view still holding it asks the registry again. */
	retire(): void {
		this.released = true;
	}

	enqueue(call: PendingCall): void {
		if (this.provedAccess || this.paths.proven()) {
			this.provedAccess = true;
			this.released = true;
			this.paths.shared(call);
			return;
		}
		if (this.probing) {
			this.held.push(call);
			return;
		}
		if (!this.probed && !this.paths.refused()) {
			this.probed = true;
			this.probing = true;
			this.watch(call, true);
			this.paths.probe(call);
			return;
		}
		this.probed = true;
		this.watch(call, false);
		this.paths.own(call);
	}

	/** A success proves access; the probe's first answer, whatever it is, releases the calls held for it. */
	private watch(call: PendingCall, isProbe: boolean): void {
		const { resolve, reject } = call;
		if (isProbe) {
			call.onFailedAttempt = () => {
				call.onFailedAttempt = undefined;
				this.probeSettled(true);
			};
		}
		call.resolve = (response) => {
			if (!this.provedAccess && this.paths.proves(call.request)) {
				this.provedAccess = true;
				this.released = true;
				this.paths.proved(call, !isProbe);
			}
			resolve(response);
			if (isProbe) this.probeSettled(false);
		};
		call.reject = (error) => {
			reject(error);
			if (isProbe) this.probeSettled(true);
		};
	}

	/**
	 * `failed`: Meta refused the probe. A success that proves nothing (a call on another object than the number or the
	 * WABA: a template, a flow, the app's uploads) is no refusal: the next call probes again.
	 */
	private probeSettled(failed: boolean): void {
		if (!this.probing) return;
		this.probing = false;
		if (!this.provedAccess) {
			if (failed) this.paths.refuse();
			else this.probed = false;
		}
		for (const call of this.held.splice(0)) this.enqueue(call);
	}
}

/** Which tokens used a lane or budget, as much as telling whether one token alone did (O(1), two fields). */
export class Users {
	private first: string | undefined;
	private several = false;

	note(tokenHash: string): void {
		if (this.first === undefined) this.first = tokenHash;
		else if (tokenHash !== this.first) this.several = true;
	}

	only(tokenHash: string): boolean {
		return !this.several && this.first === tokenHash;
	}
}
