import type * as dns from 'node:dns';

import { EgressRefusedError, mediaUrlRefusal, plainHttpRefusal, secureLookup } from './egress';
import { ssrfPolicy } from './ssrf';

type Answer = Array<{ address: string; family: number }>;

/** A resolver answering each lookup with the next of `answers`, as a rebinding DNS server would. */
function resolverAnswering(...answers: Answer[]): typeof dns.lookup {
	let next = 0;
	return ((_hostname: string, _options: unknown, callback: (error: Error | null, addresses: Answer) => void) => {
		callback(null, answers[Math.min(next++, answers.length - 1)]);
	}) as unknown as typeof dns.lookup;
}

function lookupOnce(lookup: ReturnType<typeof secureLookup>, hostname: string): Promise<Error | string> {
	return new Promise((resolve) => lookup(hostname, {}, (error, address) => resolve(error ?? String(address))));
}

afterEach(() => {
	delete process.env.N8N_SSRF_PROTECTION_ENABLED;
	delete process.env.N8N_SSRF_ALLOWED_HOSTNAMES;
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
});

describe('the connect-time lookup', () => {
	test('checks every connection again: a name that rebinds to a blocked address is refused on the next connection', async () => {
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		const lookup = secureLookup('any', resolverAnswering([{ address: '157.240.1.1', family: 4 }], [{ address: '10.0.0.5', family: 4 }]));
		expect(await lookupOnce(lookup, 'rebind.example')).toBe('157.240.1.1');
		const second = await lookupOnce(lookup, 'rebind.example');
		expect(second).toBeInstanceOf(EgressRefusedError);
		expect(String(second)).toContain('rebind.example (10.0.0.5)');
	});

	test('refuses a name when any of its addresses is blocked, not only the first', async () => {
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		const lookup = secureLookup('any', resolverAnswering([{ address: '157.240.1.1', family: 4 }, { address: '::ffff:169.254.169.254', family: 6 }]));
		expect(await lookupOnce(lookup, 'two.example')).toBeInstanceOf(EgressRefusedError);
	});

	test('an allowed hostname skips the address checks, as in n8n', async () => {
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		process.env.N8N_SSRF_ALLOWED_HOSTNAMES = '*.corp.example';
		const lookup = secureLookup('any', resolverAnswering([{ address: '10.0.0.5', family: 4 }]));
		expect(await lookupOnce(lookup, 'graph.corp.example')).toBe('10.0.0.5');
	});

	test('a media link (public reach) never reaches private, loopback or link-local addresses, even with n8n’s protection off', async () => {
		for (const address of ['10.0.0.5', '127.0.0.1', '169.254.169.254', '192.168.1.1']) {
			const lookup = secureLookup('public', resolverAnswering([{ address, family: 4 }]));
			expect(await lookupOnce(lookup, 'files.example')).toBeInstanceOf(EgressRefusedError);
		}
		expect(await lookupOnce(secureLookup('public', resolverAnswering([{ address: '157.240.1.1', family: 4 }])), 'files.example')).toBe('157.240.1.1');
	});

	test('a media link reaches a private address only when the admin allows it (n8n’s allowed ranges or names)', async () => {
		process.env.N8N_SSRF_ALLOWED_IP_RANGES = '10.1.0.0/16';
		expect(await lookupOnce(secureLookup('public', resolverAnswering([{ address: '10.1.2.3', family: 4 }])), 'files.example')).toBe('10.1.2.3');
		expect(await lookupOnce(secureLookup('public', resolverAnswering([{ address: '10.2.0.1', family: 4 }])), 'files.example')).toBeInstanceOf(EgressRefusedError);
		process.env.N8N_SSRF_ALLOWED_HOSTNAMES = 'cdn.corp.example';
		expect(await lookupOnce(secureLookup('public', resolverAnswering([{ address: '10.9.9.9', family: 4 }])), 'cdn.corp.example')).toBe('10.9.9.9');
	});

	test('plain http only reaches loopback, whether or not SSRF protection is on', async () => {
		const lookup = secureLookup('loopback', resolverAnswering([{ address: '127.0.0.1', family: 4 }], [{ address: '157.240.1.1', family: 4 }]));
		expect(await lookupOnce(lookup, 'localhost')).toBe('127.0.0.1');
		expect(await lookupOnce(lookup, 'localhost')).toBeInstanceOf(EgressRefusedError);
	});
});

describe("n8n's policy as read from the environment", () => {
	test('is off unless enabled, blocks n8n’s default ranges, and an allowed range wins over a blocked one', () => {
		expect(ssrfPolicy({}).enabled).toBe(false);
		const policy = ssrfPolicy({ N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '10.1.0.0/16' });
		expect(policy.enabled).toBe(true);
		expect(policy.refuseAddress('10.2.0.1')).toContain('N8N_SSRF_BLOCKED_IP_RANGES');
		expect(policy.refuseAddress('10.1.2.3')).toBeUndefined();
		expect(policy.refuseAddress('169.254.169.254')).toBeDefined();
		expect(policy.refuseAddress('157.240.1.1')).toBeUndefined();
	});

	test('"default" in the blocked list expands to n8n’s defaults; entries that are not CIDR are skipped', () => {
		const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		const policy = ssrfPolicy({ N8N_SSRF_PROTECTION_ENABLED: '1', N8N_SSRF_BLOCKED_IP_RANGES: 'default, 157.240.0.0/16, 8.8.8.8' });
		expect(policy.refuseAddress('157.240.1.1')).toBeDefined();
		expect(policy.refuseAddress('192.168.1.1')).toBeDefined();
		expect(policy.refuseAddress('8.8.8.8')).toBeUndefined();
		expect(policy.problems.join()).toContain('"8.8.8.8"');
		warn.mockRestore();
	});

	test('hostname lists match exactly or below a *. wildcard, case-insensitively', () => {
		const policy = ssrfPolicy({ N8N_SSRF_BLOCKED_HOSTNAMES: '*.internal, Metadata.Google.Internal.' });
		expect(policy.nameVerdict('a.internal')).toBe('blocked');
		expect(policy.nameVerdict('internal')).toBe('check');
		expect(policy.nameVerdict('metadata.google.internal')).toBe('blocked');
	});
});

describe('URLs before any call', () => {
	test('plain http is refused unless it names this machine', () => {
		for (const ok of ['http://127.0.0.1:4100', 'http://localhost:4100', 'http://[::1]:4100', 'https://graph.facebook.com']) {
			expect(plainHttpRefusal(new URL(ok))).toBeUndefined();
		}
		for (const refused of ['http://graph.facebook.com', 'http://10.0.0.5', 'http://0.0.0.0:4100']) {
			expect(plainHttpRefusal(new URL(refused))).toContain('https://');
		}
	});

	test("media URLs: Meta's media hosts or the Graph origin; the list can be replaced, with default kept by name", () => {
		const graph = 'https://graph.facebook.com';
		expect(mediaUrlRefusal(new URL('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1'), graph, {})).toBeUndefined();
		expect(mediaUrlRefusal(new URL('https://scontent.xx.fbcdn.net/v/t1'), graph, {})).toBeUndefined();
		expect(mediaUrlRefusal(new URL('https://graph.facebook.com/x'), graph, {})).toBeUndefined();
		expect(mediaUrlRefusal(new URL('https://evil.example/x'), graph, {})).toContain('evil.example');
		expect(mediaUrlRefusal(new URL('https://media.example/x'), graph, { WHATSAPP_CLOUD_MEDIA_HOSTS: 'default,media.example' })).toBeUndefined();
		expect(mediaUrlRefusal(new URL('https://lookaside.fbsbx.com/x'), graph, { WHATSAPP_CLOUD_MEDIA_HOSTS: 'media.example' })).toBeDefined();
	});
});
