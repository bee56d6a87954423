import { handBack, takeOver } from '../subscription/takeover';
import { SubscriptionError, type LifecycleInput } from '../subscription';

const production = 'https://n8n.example.com/webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook';
const test = 'https://n8n.example.com/webhook-test/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook';
const otherTool = 'https://n8n.example.com/webhook/8c2d6f0e-1b7a-4c3e-9f5d-2a4b6c8d0e1f/webhook';

function input(callbackUrl: string, warnings: string[] = []): LifecycleInput {
	return {
		credentials: { accessToken: 'token', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9' },
		mode: 'app',
		callbackUrl,
		verifyToken: 'wa_token',
		customVerifyToken: false,
		fields: ['messages'],
		warn: (message) => warnings.push(message),
	};
}

describe('taking over a callback set at Meta', () => {
	it('takes over nothing when none is set, or when it is already this URL', () => {
		expect(takeOver(input(test), 'The Meta app 1', undefined)).toBeUndefined();
		expect(takeOver(input(test), 'The Meta app 1', test)).toBeUndefined();
	});

	it("takes over the trigger's own other URL and answers it, to hand back later", () => {
		expect(takeOver(input(test), 'The Meta app 1', production)).toBe(production);
	});

	it('refuses any other callback, naming where it is set and what it is', () => {
		expect(() => takeOver(input(test), 'The Meta app 1', otherTool)).toThrow(SubscriptionError);
		expect(() => takeOver(input(test), 'The Meta app 1', otherTool)).toThrow(`The Meta app 1 already sends its webhooks to ${otherTool}, which is not this trigger's`);
	});
});

describe('handing a callback back on deactivation', () => {
	it("hands the trigger's own other URL back with the same verify token", async () => {
		const calls: string[][] = [];
		expect(await handBack(input(test), production, async (url, token) => calls.push([url, token]))).toBe(true);
		expect(calls).toEqual([[production, 'wa_token']]);
	});

	it('hands nothing back when nothing was taken over', async () => {
		const calls: string[] = [];
		expect(await handBack(input(test), undefined, async (url) => calls.push(url))).toBe(false);
		expect(calls).toEqual([]);
	});

	it('never hands back a recorded URL that is not its own, and says so', async () => {
		const warnings: string[] = [];
		const calls: string[] = [];
		expect(await handBack(input(test, warnings), otherTool, async (url) => calls.push(url))).toBe(false);
		expect(calls).toEqual([]);
		expect(warnings).toEqual([expect.stringContaining(`Did not hand the webhook back to ${otherTool}`)]);
	});

	it('answers false, with a warning, when Meta refuses the hand-back (the caller then removes its own)', async () => {
		const warnings: string[] = [];
		const refused = await handBack(input(test, warnings), production, async () => {
			throw new Error('(#2200) Callback verification failed');
		});
		expect(refused).toBe(false);
		expect(warnings).toEqual([`Could not hand the webhook back to ${production} ((#2200) Callback verification failed); removing this trigger's instead`]);
	});
});
