import { setupPageText, tokenToShow } from '../setupPage';

const page = {
	nodeName: 'Orders',
	productionUrl: 'https://n8n.example.com/webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook',
	token: 'wa_token',
	unreachable: undefined,
	listening: false,
};

describe('the verify token on the setup page', () => {
	const derived = () => 'wa_derived';

	it('is never echoed when the user set it', () => {
		expect(tokenToShow(true, true, derived)).toBe('the value of Options › Verify Token in this trigger');
	});

	it('is shown only while the editor listens (the Test URL), and pointed to otherwise', () => {
		expect(tokenToShow(false, true, derived)).toBe('wa_derived');
		expect(tokenToShow(false, false, derived)).toMatch(/^shown on this trigger's Test URL/);
	});
});

describe('the setup page', () => {
	it('names the node and gives the production URL and the token to enter at Meta', () => {
		const text = setupPageText(page);
		expect(text).toContain('"WhatsApp Cloud Trigger" ("Orders")');
		expect(text).toContain(`  Callback URL: ${page.productionUrl}\n  Verify Token: wa_token\n`);
		expect(text).not.toContain('Meta cannot reach');
		expect(text).not.toContain('While the editor listens');
	});

	it('says why Meta cannot reach n8n, when it cannot', () => {
		expect(setupPageText({ ...page, unreachable: 'http://localhost:5678/x is not HTTPS' })).toContain(
			'Meta cannot reach this n8n yet: http://localhost:5678/x is not HTTPS. Set n8n\'s N8N_WEBHOOK_URL',
		);
	});

	it('explains which subscription wins while the editor listens', () => {
		expect(setupPageText({ ...page, listening: true })).toContain("a phone number's override wins over a WhatsApp Business Account's");
	});
});
