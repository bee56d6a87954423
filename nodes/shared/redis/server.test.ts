import { hasLuaFixes, luaFixWarning } from './server';

// Fixed releases per line: Redis's advisory for CVE-2025-49844 and the three Lua CVEs fixed with it
// (https://github.com/redis/redis/security/advisories/GHSA-4789-qfc9-5f9q; releases 6.2.20, 7.2.11, 7.4.6, 8.0.4, 8.2.2).
describe('which Redis versions carry the October 2025 Lua fixes', () => {
	test.each([
		['6.2.19', false],
		['6.2.20', true],
		['7.0.15', false],
		['7.2.10', false],
		['7.2.11', true],
		['7.4.5', false],
		['7.4.6', true],
		['8.0.3', false],
		['8.0.4', true],
		['8.2.1', false],
		['8.2.2', true],
		['8.4.0', true],
		['5.0.14', false],
		['6.0.20', false],
	])('%s → %s', (version, fixed) => {
		expect(hasLuaFixes(version)).toBe(fixed);
	});

	test('Valkey and other servers that report a Redis-compatible version are not judged by it', () => {
		expect(luaFixWarning('redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.4\r\n', 'h:1')).toBeUndefined();
		expect(luaFixWarning('redis_version:7.4.0\r\ndragonfly_version:df-v1.30.0\r\n', 'h:1')).toBeUndefined();
		expect(luaFixWarning('redis_version:7.2.4\r\ngcc_version:12.2.0\r\n', 'h:1')).toContain('Redis 7.2.4 at h:1');
	});
});
