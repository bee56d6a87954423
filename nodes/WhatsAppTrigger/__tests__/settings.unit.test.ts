import { credentialProblem, readSettings, SettingError, triggerCredentials, type TriggerSettings } from '../settings';

const credentials = { accessToken: 'token', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', appId: '900000000000001', appSecret: 'secret' };

function settings(options: Parameters<typeof readSettings>[0]): TriggerSettings {
	const read = readSettings(options);
	if (read instanceof SettingError) throw read;
	return read;
}

function refusal(options: Parameters<typeof readSettings>[0]): string {
	const read = readSettings(options);
	if (!(read instanceof SettingError)) throw new Error(`accepted ${JSON.stringify(read)}`);
	return read.message;
}

describe('the trigger options, checked', () => {
	it('default to every number, a 60-minute window and 100,000 remembered events when left out', () => {
		expect(settings({})).toEqual({ phoneNumberIds: [], windowMs: 60 * 60_000, maxEntries: 100_000 });
	});

	it('split phone number IDs at commas, semicolons and new lines, dropping blanks', () => {
		expect(settings({ phoneNumberIds: ' 106540352242922, ;\n106540352242923 ' }).phoneNumberIds).toEqual(['106540352242922', '106540352242923']);
	});

	it('refuse a phone number given instead of its ID, by the option name', () => {
		expect(refusal({ phoneNumberIds: '106540352242922, +1 650 555 1234' })).toBe(
			'"Options › Only Phone Number IDs" holds "+1 650 555 1234", which is not a phone number ID',
		);
	});

	it.each([[0], [Number.NaN], [-5], [10_081], ['soon']])('refuse a Redelivery Window of %p minutes rather than replace it', (minutes) => {
		expect(refusal({ redeliveryWindowMinutes: minutes as number })).toMatch(/^"Options › Redelivery Window \(Minutes\)" must be a number of minutes from 1 to 10080 \(7 days\), not /);
	});

	it('take a Redelivery Window given as text by an expression, in minutes', () => {
		expect(settings({ redeliveryWindowMinutes: '10080' as unknown as number }).windowMs).toBe(7 * 24 * 60 * 60_000);
	});

	it('refuse fewer than 100 remembered events, and round a fraction down', () => {
		expect(refusal({ maxRememberedEvents: 99 })).toBe('"Options › Max Remembered Events" must be a number of at least 100, not "99"');
		expect(settings({ maxRememberedEvents: 250.9 }).maxEntries).toBe(250);
	});
});

describe('what the credential lacks for the trigger', () => {
	it('is nothing when the App Secret and App ID are there', () => {
		expect(credentialProblem(credentials, 'app', true)).toBeUndefined();
	});

	it('is the App Secret when signatures are verified, whatever the subscription', () => {
		expect(credentialProblem({ ...credentials, appSecret: '' }, 'manual', true)?.message).toBe(
			'"App Secret" is empty in the "WhatsApp Cloud Nodes API" credential, and "Verify Signature" needs it',
		);
		expect(credentialProblem({ ...credentials, appSecret: '' }, 'manual', false)).toBeUndefined();
	});

	it('is the App ID, then the App Secret, for the Meta App subscription only', () => {
		expect(credentialProblem({ ...credentials, appId: ' ' }, 'app', false)?.field).toBe('Meta App ID');
		expect(credentialProblem({ ...credentials, appSecret: '' }, 'app', false)?.message).toBe(
			'"App Secret" is empty in the "WhatsApp Cloud Nodes API" credential, and Subscription "Meta App" needs it',
		);
		expect(credentialProblem({ ...credentials, appId: '', appSecret: '' }, 'waba', false)).toBeUndefined();
	});
});

describe('the credential as the trigger uses it', () => {
	it('has its App Secret trimmed, and is the same object when there is nothing to trim', () => {
		expect(triggerCredentials({ ...credentials, appSecret: ' secret\n' }).appSecret).toBe('secret');
		expect(triggerCredentials(credentials)).toBe(credentials);
	});
});
