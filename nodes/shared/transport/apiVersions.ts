/**
 * The Graph API versions the pack offers and when Meta ends each one: the one table the credential, the transport,
 * the credential test and the nodes' warnings read. A version lives about two years; a call to an ended version is
 * answered by the oldest version Meta still serves, which may behave differently.
 * https://developers.facebook.com/docs/graph-api/changelog ("Available Graph API Versions": Date Introduced,
 * Available Until)
 */

export interface GraphApiVersion {
	version: string;
	/** First day Meta no longer serves it (YYYY-MM-DD, UTC); undefined while Meta has not announced it. */
	endsOn?: string;
}

/** Newest first, as Meta's changelog lists them (checked Dec 2026). A new version is one line here. */
export const GRAPH_API_VERSION_TABLE: readonly GraphApiVersion[] = [
	{ version: 'v26.0' },
	{ version: 'v25.0', endsOn: '2028-07-29' },
	{ version: 'v24.0', endsOn: '2028-02-18' },
	{ version: 'v23.0', endsOn: '2027-10-08' },
	{ version: 'v22.0', endsOn: '2027-05-20' },
	{ version: 'v21.0', endsOn: '2027-01-21' },
];

/** The credential's value for "the newest version this package knows" (its default). */
export const NEWEST_API_VERSION = 'newest';

/** How long before a version's end the nodes start warning. */
export const END_OF_LIFE_WARNING_DAYS = 90;

const DAY_MS = 86_400_000;

/** The credential's Graph API Version as a version to call: `newest` (or empty) is the table's newest. */
export function resolveApiVersion(value: unknown): string {
	const text = String(value ?? '').trim();
	return text === '' || text.toLowerCase() === NEWEST_API_VERSION ? GRAPH_API_VERSION_TABLE[0].version : text;
}

function endOf(entry: GraphApiVersion): number | undefined {
	return entry.endsOn === undefined ? undefined : Date.parse(`${entry.endsOn}T00:00:00Z`);
}

/** The oldest version Meta still serves at `now` (what it answers a call to an ended version with). */
export function oldestLiveVersion(now: number): string | undefined {
	let oldest: string | undefined;
	for (const entry of GRAPH_API_VERSION_TABLE) {
		const end = endOf(entry);
		if (end === undefined || end > now) oldest = entry.version;
	}
	return oldest;
}

export type ApiVersionState =
	| { kind: 'supported'; version: string }
	/** Not in the table (older than it, or newer than this package): nothing to say. */
	| { kind: 'unknown'; version: string }
	| { kind: 'endingSoon'; version: string; endsOn: string; daysLeft: number }
	| { kind: 'ended'; version: string; endsOn: string; servedAs?: string };

/** Where the credential's version stands at `now`: supported, ending within 90 days, or ended. */
export function apiVersionState(value: unknown, now: number): ApiVersionState {
	const version = resolveApiVersion(value);
	const entry = GRAPH_API_VERSION_TABLE.find((candidate) => candidate.version === version);
	if (!entry) return { kind: 'unknown', version };
	const end = endOf(entry);
	if (end === undefined || entry.endsOn === undefined) return { kind: 'supported', version };
	if (now >= end) return { kind: 'ended', version, endsOn: entry.endsOn, servedAs: oldestLiveVersion(now) };
	const daysLeft = Math.ceil((end - now) / DAY_MS);
	if (daysLeft <= END_OF_LIFE_WARNING_DAYS) return { kind: 'endingSoon', version, endsOn: entry.endsOn, daysLeft };
	return { kind: 'supported', version };
}

/** What to tell the user about the version, or undefined when there is nothing to tell. */
export function apiVersionWarning(state: ApiVersionState): string | undefined {
	const fix = `Choose "Newest (Recommended)" (or a newer version) as the Graph API Version of the "WhatsApp Cloud Nodes API" credential.`;
	if (state.kind === 'endingSoon') {
		const when = state.daysLeft === 1 ? 'in 1 day' : `in ${state.daysLeft} days`;
		return `Meta ends Graph API ${state.version} on ${state.endsOn} (${when}). After that Meta answers its calls with the oldest version it still serves, which may behave differently. ${fix}`;
	}
	if (state.kind === 'ended') {
		const servedAs = state.servedAs ? `the oldest version it still serves (${state.servedAs})` : 'the oldest version it still serves';
		return `Meta ended Graph API ${state.version} on ${state.endsOn}: it now answers calls to it with ${servedAs}, which may behave differently. ${fix}`;
	}
	return undefined;
}

/** The credential's options: Newest first, then each version with its end date. */
export function apiVersionOptions(): Array<{ name: string; value: string; description: string }> {
	const newest = GRAPH_API_VERSION_TABLE[0].version;
	return [
		{
			name: 'Newest (Recommended)',
			value: NEWEST_API_VERSION,
			description: `The newest version this package knows (${newest}); moves on when the package is updated`,
		},
		...GRAPH_API_VERSION_TABLE.map((entry) => ({
			name: entry.endsOn ? `${entry.version} (Until ${entry.endsOn})` : entry.version,
			value: entry.version,
			description: entry.endsOn ? `Meta serves it until ${entry.endsOn}` : 'Meta has not announced its end yet',
		})),
	];
}
