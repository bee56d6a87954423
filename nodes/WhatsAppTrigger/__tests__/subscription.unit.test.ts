import { defaultVerifyToken, isOwnOtherUrl, talksToMeta, unreachableCallbackReason, webhookIdFromUrl } from '../subscription';

describe('callback URLs Meta can reach', () => {
	it('accepts a public HTTPS URL', () => {
		expect(unreachableCallbackReason('https://n8n.example.com/webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook')).toBeUndefined();
	});

	it.each([
		['http://n8n.example.com/webhook/x/webhook', /not HTTPS/],
		['https://127.0.0.1/webhook/x/webhook', /private or local/],
		['https://172.20.0.3/webhook/x/webhook', /private or local/],
		['https://[::1]/webhook/x/webhook', /private or local/],
		['https://n8n/webhook/x/webhook', /private or local/],
		['https://n8n.local/webhook/x/webhook', /private or local/],
	])('refuses %s', (url, reason) => {
		expect(unreachableCallbackReason(url)).toMatch(reason);
	});

	it('treats only graph.facebook.com as Meta (the simulator and proxies skip the check)', () => {
		const base = { accessToken: 't', apiVersion: 'v26.0' };
		expect(talksToMeta({ ...base, baseUrl: 'https://graph.facebook.com' })).toBe(true);
		expect(talksToMeta({ ...base, baseUrl: 'http://127.0.0.1:8090' })).toBe(false);
	});
});

describe('verify tokens', () => {
	it('are the same for the test and production URLs of one trigger', () => {
		const production = webhookIdFromUrl('https://n8n.example.com/webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook');
		const test = webhookIdFromUrl('https://n8n.example.com/webhook-test/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook');
		expect(production).toBe('5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f');
		expect(test).toBe(production);
	});

	it('differ between triggers and between app secrets', () => {
		const token = defaultVerifyToken('5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f', 'secret-a');
		expect(defaultVerifyToken('5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f', 'secret-a')).toBe(token);
		expect(defaultVerifyToken('8c2d6f0e-1b7a-4c3e-9f5d-2a4b6c8d0e1f', 'secret-a')).not.toBe(token);
		expect(defaultVerifyToken('5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f', 'secret-b')).not.toBe(token);
		expect(token).not.toContain('secret-a');
	});

	it('cannot be derived for a URL that is not a trigger of this pack', () => {
		expect(webhookIdFromUrl('https://example.com/hooks/whatsapp')).toBeUndefined();
	});
});

describe('the only callback a trigger takes over and hands back', () => {
	const production = 'https://n8n.example.com/webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook';
	const test = 'https://n8n.example.com/webhook-test/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook';

	it('is its own other URL: production for its test run, and the reverse', () => {
		expect(isOwnOtherUrl(test, production)).toBe(true);
		expect(isOwnOtherUrl(production, test)).toBe(true);
	});

	it.each([
		['another trigger of the same n8n (n8n\'s own WhatsApp Trigger has the same path)', 'https://n8n.example.com/webhook/8c2d6f0e-1b7a-4c3e-9f5d-2a4b6c8d0e1f/webhook'],
		['the same path on another host', 'https://elsewhere.example/webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook'],
		['the same host over another port', 'https://n8n.example.com:8443/webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook'],
		['a URL of another shape', 'https://n8n.example.com/hooks/whatsapp'],
	])('is not %s', (_name, url) => {
		expect(isOwnOtherUrl(test, url)).toBe(false);
	});
});
