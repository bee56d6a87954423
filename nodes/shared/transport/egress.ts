/**
 * Where the pack's connections may go, checked when each connection is made (every resolved address, so redirects and
 * DNS rebinding are covered, as n8n's own secure lookup does) and, for URLs, before anything is sent:
 * - n8n's SSRF protection policy (`./ssrf`), when the admin turned it on;
 * - plain `http:` only to this machine (loopback): anywhere else the token would cross the network unencrypted;
 * - media downloads only to Meta's media hosts or the Graph host itself.
 */
import * as dns from 'node:dns';
import type * as http from 'node:http';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { hostnameMatcher, SSRF_ENV, ssrfPolicy, type SsrfPolicy } from './ssrf';

/** The `code` of a refused connection: nothing was sent, and trying again cannot help. */
export const EGRESS_REFUSED = 'ERR_WA_EGRESS_REFUSED';

export class EgressRefusedError extends Error {
	readonly code = EGRESS_REFUSED;

	constructor(message: string) {
		super(message);
		this.name = 'EgressRefusedError';
	}
}

/** The refusal inside an error (axios copies the code and keeps the original as `cause`), or undefined. */
export function egressRefusalIn(error: unknown): EgressRefusedError | undefined {
	for (let current = error, depth = 0; current && depth < 3; depth++) {
		if (current instanceof EgressRefusedError) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * `any` for https connections; `loopback` for plain http, which may only stay on this machine; `public` for fetching a
 * user's media link, where n8n's blocked ranges apply even with n8n's protection off (a link from an item must not
 * reach the internal network) and only the admin's allowed lists open them.
 */
export type Reach = 'any' | 'loopback' | 'public';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackAddress(ip: string): boolean {
	const version = isIP(ip);
	return version !== 0 && LOOPBACK.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

function unbracket(host: string): string {
	return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

const SSRF_ADVICE = `If it should be reachable, ask your n8n administrator to allow it (${SSRF_ENV.allowedHostnames} or ${SSRF_ENV.allowedIpRanges}).`;
const HTTP_ADVICE = 'Plain http:// is only allowed to this machine (localhost, 127.0.0.1 or [::1]): use https://.';

/** Why a connection to `ip` (the address `host` resolved to) is refused, or undefined. */
function addressRefusal(ip: string, host: string, reach: Reach, policy: SsrfPolicy | undefined): string | undefined {
	const where = host === ip ? ip : `${host} (${ip})`;
	if (reach === 'loopback' && !isLoopbackAddress(ip)) return `${where} is not this machine. ${HTTP_ADVICE}`;
	const reason = policy?.refuseAddress(ip);
	return reason ? `The connection to ${where} was blocked by n8n's SSRF protection: ${reason}. ${SSRF_ADVICE}` : undefined;
}

/** The policy that applies to `host`, or undefined when n8n's protection is off or allows the name outright. */
function policyFor(host: string, reach: Reach): SsrfPolicy | undefined | 'blocked' {
	const policy = ssrfPolicy();
	if (!policy.enabled && reach !== 'public') return undefined;
	const verdict = isIP(host) ? 'check' : policy.nameVerdict(host);
	return verdict === 'blocked' ? verdict : verdict === 'allowed' ? undefined : policy;
}

type LookupCallback = Parameters<LookupFunction>[2];

/**
 * A `dns.lookup` drop-in for an agent: resolves every address of the name and refuses the connection when one of them
 * is refused. Node calls it for each new socket, so a name that later resolves elsewhere (rebinding) is checked again.
 */
export function secureLookup(reach: Reach, resolve: typeof dns.lookup = dns.lookup): LookupFunction {
	return (hostname, options, callback: LookupCallback) => {
		const fail = (error: Error) => (options.all ? callback(error, []) : callback(error, ''));
		const policy = policyFor(hostname, reach);
		if (policy === 'blocked') {
			fail(new EgressRefusedError(`The connection to ${hostname} was blocked by n8n's SSRF protection: the name is on ${SSRF_ENV.blockedHostnames}. ${SSRF_ADVICE}`));
			return;
		}
		resolve(hostname, { ...options, all: true }, (error, addresses) => {
			if (error) {
				fail(error);
				return;
			}
			for (const { address } of addresses) {
				const refusal = addressRefusal(address, hostname, reach, policy);
				if (refusal) {
					fail(new EgressRefusedError(refusal));
					return;
				}
			}
			if (options.all) callback(null, addresses);
			else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
		});
	};
}

/** Why connecting to an IP-literal host is refused (Node calls no lookup for those), or undefined. */
function ipLiteralRefusal(host: unknown, reach: Reach): string | undefined {
	if (typeof host !== 'string') return undefined;
	const ip = unbracket(host);
	if (!isIP(ip)) return undefined;
	const policy = policyFor(ip, reach);
	return addressRefusal(ip, ip, reach, policy === 'blocked' ? undefined : policy);
}

/** Check IP-literal hosts when the agent opens a socket (n8n's `installConnectionGuard`); names go through `secureLookup`. */
export function guardAgent<A extends http.Agent>(agent: A, reach: Reach): A {
	const guarded = agent as unknown as {
		createConnection(options: { host?: unknown; hostname?: unknown }, callback?: (error: Error | null, socket?: unknown) => void): unknown;
	};
	const createConnection = guarded.createConnection.bind(agent);
	guarded.createConnection = (options, callback) => {
		const refusal = ipLiteralRefusal(options.hostname ?? options.host, reach);
		if (!refusal) return createConnection(options, callback);
		const error = new EgressRefusedError(refusal);
		if (!callback) throw error;
		callback(error);
		return undefined;
	};
	return agent;
}

/** The reach of a URL's connection: plain http stays on loopback. */
export function reachOf(url: URL): Reach {
	return url.protocol === 'http:' ? 'loopback' : 'any';
}

/**
 * Check a target before a call that goes through a proxy (the proxy resolves the name, so our agents' lookup never
 * sees it): resolves it here and checks every address, as n8n's pre-flight check does. Direct calls need nothing here.
 */
export async function checkProxiedTarget(url: URL): Promise<void> {
	const reach = reachOf(url);
	const host = unbracket(url.hostname);
	if (reach === 'any' && !ssrfPolicy().enabled) return;
	await new Promise<void>((resolve, reject) =>
		secureLookup(reach)(host, { all: true }, (error) => (error ? reject(error) : resolve())),
	);
}

/** Why a URL may not be called at all (before any connection), or undefined: plain http to anything but loopback. */
export function plainHttpRefusal(url: URL): string | undefined {
	if (url.protocol !== 'http:') return undefined;
	const host = unbracket(url.hostname).toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || isLoopbackAddress(host)) return undefined;
	return `${HTTP_ADVICE} "${url.host}" is not this machine, and the access token would cross the network unencrypted.`;
}

/** Meta's media download host (the "Retrieve media URL" answer's `url`), and the Meta CDN domains it may hand over to. */
export const META_MEDIA_HOSTS: readonly string[] = Object.freeze(['lookaside.fbsbx.com', '*.fbsbx.com', '*.fbcdn.net']);
/** Replaces the list above (comma-separated, `*.example.com` wildcards, `default` = the list above). */
export const MEDIA_HOSTS_ENV = 'WHATSAPP_CLOUD_MEDIA_HOSTS';

function mediaHosts(env: Record<string, string | undefined>): string[] {
	const text = env[MEDIA_HOSTS_ENV];
	if (text === undefined || !text.trim()) return [...META_MEDIA_HOSTS];
	return text
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean)
		.flatMap((entry) => (entry.toLowerCase() === 'default' ? META_MEDIA_HOSTS : [entry]));
}

/**
 * Why an absolute URL from an answer (a media download, a redirect) may not get the token, or undefined: it must be
 * on the Graph host itself (scheme, host and port), or on one of Meta's media hosts.
 */
export function mediaUrlRefusal(url: URL, graphOrigin: string, env: Record<string, string | undefined> = process.env): string | undefined {
	if (url.origin === graphOrigin) return undefined;
	const hosts = mediaHosts(env);
	// The scheme is `plainHttpRefusal`'s business: http only to loopback, wherever the list points.
	if (hostnameMatcher(hosts)(url.hostname)) return undefined;
	return (
		`The answer pointed the download at ${url.protocol}//${url.host}, which is neither the Graph host nor one of Meta's ` +
		`media hosts (${hosts.join(', ')}): nothing was sent there. If Meta now serves media from that host, add it to ` +
		`${MEDIA_HOSTS_ENV} in n8n's environment (e.g. "default,${url.hostname}").`
	);
}
