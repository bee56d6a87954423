/**
 * n8n's SSRF protection policy, read from the same environment variables as n8n 2.x (`@n8n/config`
 * SsrfProtectionConfig, enforced by `@n8n/backend-network` SsrfProtectionService), so an admin configures it once for
 * n8n's own nodes and for this pack. The decision, as n8n makes it:
 * - an IP address is refused when it is in a blocked range and not in an allowed range (allowed wins);
 * - a host name on the allowed list is never refused (its addresses are not checked);
 * - a host name on the blocked list (and not on the allowed list) is refused before it is resolved;
 * - any other host name is refused when one of its resolved addresses is refused.
 */
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';

type Env = Record<string, string | undefined>;

/** n8n 2.40's `SSRF_DEFAULT_BLOCKED_IP_RANGES` (`@n8n/config`, ssrf-protection.config): also what `default` expands to. */
export const SSRF_DEFAULT_BLOCKED_IP_RANGES: readonly string[] = Object.freeze([
	'10.0.0.0/8',
	'172.16.0.0/12',
	'192.168.0.0/16',
	'127.0.0.0/8',
	'::1/128',
	'169.254.0.0/16',
	'fe80::/10',
	'fc00::/7',
	'fd00::/8',
	'0.0.0.0/8',
	'192.0.0.0/24',
	'192.0.2.0/24',
	'198.18.0.0/15',
	'198.51.100.0/24',
	'203.0.113.0/24',
]);

export const SSRF_ENV = {
	enabled: 'N8N_SSRF_PROTECTION_ENABLED',
	blockedIpRanges: 'N8N_SSRF_BLOCKED_IP_RANGES',
	allowedIpRanges: 'N8N_SSRF_ALLOWED_IP_RANGES',
	allowedHostnames: 'N8N_SSRF_ALLOWED_HOSTNAMES',
	blockedHostnames: 'N8N_SSRF_BLOCKED_HOSTNAMES',
} as const;

export interface SsrfPolicy {
	/** Off by default, as in n8n 2.40 (`N8N_SSRF_PROTECTION_ENABLED=true` or `1` turns it on). */
	enabled: boolean;
	/** Why an address or name is refused, or undefined when the policy lets it through. */
	refuseAddress(ip: string): string | undefined;
	/** `allowed`: skip the address checks; `blocked`: refuse; `check`: resolve and check every address. */
	nameVerdict(hostname: string): 'allowed' | 'blocked' | 'check';
	/** Entries n8n would also skip (not CIDR), to warn about once. */
	problems: string[];
}

/** An environment value as n8n's config reads it: the variable, else the file named by `<NAME>_FILE`, trimmed and unquoted. */
function readEnv(env: Env, name: string): string | undefined {
	let value = name in env ? env[name] : undefined;
	if (value === undefined) {
		const file = env[`${name}_FILE`];
		if (!file) return undefined;
		try {
			value = readFileSync(file, 'utf8');
		} catch {
			return undefined;
		}
	}
	return value.trim().replace(/^(['"])(.*)\1$/, '$2');
}

function list(value: string | undefined): string[] {
	return (value ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry.length > 0);
}

/** A CIDR list as n8n builds it (`buildIpRangeList`): `address/prefix` entries only; others are reported and skipped. */
function rangeList(entries: string[], variable: string, problems: string[]): BlockList {
	const ranges = new BlockList();
	for (const entry of entries) {
		const [network, prefixText, extra] = entry.split('/');
		const family = isIP(network ?? '');
		const prefix = Number(prefixText);
		const valid = extra === undefined && family !== 0 && /^\d+$/.test(prefixText ?? '') && prefix <= (family === 4 ? 32 : 128);
		if (!valid) {
			problems.push(`${variable}: "${entry}" is not in CIDR notation (e.g. 10.0.0.0/8); it is ignored, as n8n ignores it`);
			continue;
		}
		ranges.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
	}
	return ranges;
}

/** n8n's HostnameMatcher: case-insensitive, a trailing dot ignored, `*.example.com` matches any name below it. */
export function hostnameMatcher(patterns: string[]): (hostname: string) => boolean {
	const normalise = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');
	const parsed = patterns.map(normalise).filter(Boolean);
	return (hostname) => {
		const name = normalise(hostname);
		return parsed.some((pattern) =>
			pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern,
		);
	};
}

function family(ip: string): 'ipv4' | 'ipv6' | undefined {
	const version = isIP(ip);
	return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

function buildPolicy(env: Env): SsrfPolicy {
	const enabledText = (readEnv(env, SSRF_ENV.enabled) ?? '').toLowerCase();
	const problems: string[] = [];
	const blockedText = readEnv(env, SSRF_ENV.blockedIpRanges);
	const blockedEntries =
		blockedText === undefined
			? [...SSRF_DEFAULT_BLOCKED_IP_RANGES]
			: list(blockedText).flatMap((entry) => (entry.toLowerCase() === 'default' ? SSRF_DEFAULT_BLOCKED_IP_RANGES : [entry]));
	const blocked = rangeList([...new Set(blockedEntries)], SSRF_ENV.blockedIpRanges, problems);
	const allowed = rangeList(list(readEnv(env, SSRF_ENV.allowedIpRanges)), SSRF_ENV.allowedIpRanges, problems);
	const allowedName = hostnameMatcher(list(readEnv(env, SSRF_ENV.allowedHostnames)));
	const blockedName = hostnameMatcher(list(readEnv(env, SSRF_ENV.blockedHostnames)));
	return {
		enabled: enabledText === 'true' || enabledText === '1',
		problems,
		refuseAddress(ip) {
			const version = family(ip);
			if (!version) return `"${ip}" is not an IP address`;
			if (allowed.check(ip, version)) return undefined;
			return blocked.check(ip, version) ? `${ip} is in a blocked range (${SSRF_ENV.blockedIpRanges})` : undefined;
		},
		nameVerdict(hostname) {
			if (allowedName(hostname)) return 'allowed';
			return blockedName(hostname) ? 'blocked' : 'check';
		},
	};
}

let cached: { key: string; policy: SsrfPolicy } | undefined;

/** The policy now in force; rebuilt only when one of its variables changed (reading it is on every new connection). */
export function ssrfPolicy(env: Env = process.env): SsrfPolicy {
	const key = Object.values(SSRF_ENV)
		.map((name) => `${env[name] ?? '\u0000'}\u0001${env[`${name}_FILE`] ?? ''}`)
		.join('\u0002');
	if (cached?.key === key) return cached.policy;
	const policy = buildPolicy(env);
	for (const problem of policy.problems) console.warn(`[whatsapp-cloud] ${problem}`);
	cached = { key, policy };
	return policy;
}
