/**
 * What the pack checks about a Redis server, for the gate and the webhook dedupe alike: that a Redis URL from a
 * credential obeys n8n's SSRF policy at each connect (as the Graph calls do), and that the server carries the 2025 Lua
 * fixes, since the pack runs Lua scripts on it (warned once per server per process).
 */
import type { RedisOptions } from 'ioredis';
import StandaloneConnector, { type StandaloneConnectionOptions } from 'ioredis/built/connectors/StandaloneConnector';
import type { ErrorEmitter } from 'ioredis/built/connectors/AbstractConnector';
import type { NetStream } from 'ioredis/built/types';
import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { processWide } from '../processWide';
import { secureLookup } from '../transport/egress';
import { ssrfPolicy } from '../transport/ssrf';

/**
 * ioredis's own connector, but the host is resolved and checked first (n8n's SSRF policy) and the connection goes to the
 * address that was checked, so a name cannot resolve elsewhere between the check and the connect. TLS still verifies
 * the certificate against the name.
 */
class CheckedConnector extends StandaloneConnector {
	private readonly requested: StandaloneConnectionOptions;

	constructor(options: unknown) {
		super(options as StandaloneConnectionOptions);
		this.requested = options as StandaloneConnectionOptions;
	}

	async connect(emit: ErrorEmitter): Promise<NetStream> {
		const { host, path, tls } = this.requested;
		// With n8n's protection off, ioredis connects as it always did.
		if (path || !host || !ssrfPolicy().enabled) return super.connect(emit);
		this.connecting = true;
		const address = await new Promise<string>((resolve, reject) =>
			secureLookup('any')(host, {}, (error, resolved) => (error ? reject(error) : resolve(String(resolved)))),
		);
		// ioredis's own check: disconnect() during the lookup must not be followed by a connection.
		if (!this.connecting) throw new Error('Connection is closed.');
		const servername = isIP(host) ? undefined : host;
		this.options = { ...this.requested, host: address, tls: tls ? { servername, ...tls } : undefined };
		return super.connect(emit);
	}
}

// A key of this process only: a login's fingerprint means nothing outside it (a plain hash of a weak password could be
// looked up).
const FINGERPRINT_KEY = randomBytes(32);

/** A password as a registry key may hold it: an HMAC under this process's own random key, never the password. */
export function loginFingerprint(password: string | undefined): string {
	return password ? createHmac('sha256', FINGERPRINT_KEY).update(password).digest('hex').slice(0, 32) : '';
}

/** Options for a Redis the user named in a credential: connections obey n8n's SSRF policy (n8n's own queue Redis does not). */
export function checkedRedisOptions(options: RedisOptions): RedisOptions {
	return { ...options, Connector: CheckedConnector };
}

/** The first release of each Redis line with the October 2025 Lua fixes (CVE-2025-49844, -46817, -46818, -46819). */
export const LUA_FIXED_RELEASES: ReadonlyArray<readonly [line: string, firstFixed: string]> = [
	['6.2', '6.2.20'],
	['7.2', '7.2.11'],
	['7.4', '7.4.6'],
	['8.0', '8.0.4'],
	['8.2', '8.2.2'],
];
export const LUA_ADVISORY_URL = 'https://github.com/redis/redis/security/advisories/GHSA-4789-qfc9-5f9q';

function parts(version: string): number[] {
	return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

function compare(a: number[], b: number[]): number {
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		const diff = (a[i] ?? 0) - (b[i] ?? 0);
		if (diff !== 0) return diff;
	}
	return 0;
}

/** Whether a Redis version carries the October 2025 Lua fixes: lines after 8.2 were released with them. */
export function hasLuaFixes(version: string): boolean {
	const [major = 0, minor = 0] = parts(version);
	const fixed = LUA_FIXED_RELEASES.find(([line]) => compare(parts(line), [major, minor]) === 0);
	if (fixed) return compare(parts(version), parts(fixed[1])) >= 0;
	return compare([major, minor], [8, 2]) > 0;
}

/** The warning for a server's `INFO server` text, or undefined when it is fixed, unknown, or not Redis itself. */
export function luaFixWarning(info: string, server: string): string | undefined {
	const fields = new Map<string, string>();
	for (const line of info.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
	}
	const version = fields.get('redis_version');
	// Valkey, Dragonfly and others report a Redis-compatible version that says nothing about their own fixes.
	const serverName = fields.get('server_name');
	const otherServer = (serverName !== undefined && serverName !== 'redis') || ['valkey_version', 'dragonfly_version'].some((key) => fields.has(key));
	if (!version || otherServer || !/^\d+\.\d+/.test(version) || hasLuaFixes(version)) return undefined;
	const releases = LUA_FIXED_RELEASES.map(([, firstFixed]) => firstFixed).join(', ');
	return (
		`Redis ${version} at ${server} predates the October 2025 fixes for Lua scripting flaws (CVE-2025-49844 and three others) ` +
		`and this pack runs Lua scripts on it: upgrade to Redis ${releases} or later, unless your distribution backported the ` +
		`fixes (Debian 12's 7.0.15-1~deb12u6 did; Redis still reports 7.0.15). See ${LUA_ADVISORY_URL}`
	);
}

const checkedServers = processWide('redis.versionChecked', () => new Set<string>());

/** A client whose server can be asked for `INFO server`. */
interface InfoClient {
	once(event: 'ready', listener: () => void): unknown;
	info(section: 'server'): Promise<string>;
}

/**
 * Once the client first connects, read the server's version and warn when it lacks the Lua fixes: once per server
 * (`host:port`) per process, whichever of the gate's and the webhook's connections gets there first.
 */
export function watchRedisVersion(client: InfoClient, server: string, warn: (message: string) => void): void {
	if (checkedServers().has(server)) return;
	client.once('ready', () => {
		const checked = checkedServers();
		if (checked.has(server)) return;
		checked.add(server);
		// INFO may be refused by an ACL: then the version is unknown and nothing is said.
		client.info('server').then(
			(info) => {
				const warning = luaFixWarning(info, server);
				if (warning) warn(warning);
			},
			() => undefined,
		);
	});
}
