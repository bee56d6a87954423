import type { GraphUsage } from './types';

type HeaderValue = string | string[] | number | undefined | null;

function headerText(value: HeaderValue): string | undefined {
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? value.join(',') : String(value);
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
	if (!text) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
			? (parsed as Record<string, unknown>)
			: undefined;
	} catch {
		// A malformed usage header must never turn a good response into a failure.
		return undefined;
	}
}

/** Drop undefined values so logs and JSON stay short. */
function compact<T extends Record<string, unknown>>(value: T): T {
	for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
	return value;
}

function numberOrUndefined(value: unknown): number | undefined {
	const n = typeof value === 'string' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Parse Meta's `X-App-Usage` and `X-Business-Use-Case-Usage` headers (header names in any case). */
export function parseUsageHeaders(headers: Record<string, HeaderValue> | undefined): GraphUsage {
	if (!headers) return {};
	const lower: Record<string, HeaderValue> = {};
	for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
	return parseLowerCaseUsageHeaders(lower);
}

/** The same for headers whose names are lower case already, as Node's `IncomingMessage.headers` are. */
export function parseLowerCaseUsageHeaders(lower: Record<string, HeaderValue>): GraphUsage {
	const usage: GraphUsage = {};
	const app = parseJsonObject(headerText(lower['x-app-usage']));
	if (app) {
		usage.appUsage = compact({
			call_count: numberOrUndefined(app.call_count),
			total_cputime: numberOrUndefined(app.total_cputime),
			total_time: numberOrUndefined(app.total_time),
		});
	}

	const business = parseJsonObject(headerText(lower['x-business-use-case-usage']));
	if (business) {
		const byId: NonNullable<GraphUsage['businessUseCaseUsage']> = {};
		let longestWait: number | undefined;
		for (const [id, entries] of Object.entries(business)) {
			if (!Array.isArray(entries)) continue;
			byId[id] = entries
				.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
				.map((e) => {
					const wait = numberOrUndefined(e.estimated_time_to_regain_access);
					if (wait !== undefined) longestWait = Math.max(longestWait ?? 0, wait);
					return compact({
						type: typeof e.type === 'string' ? e.type : undefined,
						call_count: numberOrUndefined(e.call_count),
						total_cputime: numberOrUndefined(e.total_cputime),
						total_time: numberOrUndefined(e.total_time),
						estimated_time_to_regain_access: wait,
					});
				});
		}
		usage.businessUseCaseUsage = byId;
		if (longestWait !== undefined) usage.estimatedTimeToRegainAccessMinutes = longestWait;
	}
	return usage;
}
