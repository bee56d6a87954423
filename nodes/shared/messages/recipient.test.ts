import { MessageValidationError } from './errors';
import { normalizeRecipient } from './recipient';

function rejection(input: unknown): MessageValidationError {
	try {
		normalizeRecipient(input);
	} catch (error) {
		if (error instanceof MessageValidationError) return error;
		throw error;
	}
	throw new Error(`${String(input)} was accepted`);
}

describe('normalizeRecipient', () => {
	it.each([
		['+1 (650) 555-1234', '16505551234'],
		['+16505551234', '16505551234'],
		['0016505551234', '16505551234'],
		['00 44 20 7946 0958', '442079460958'],
		['+44 (0)20 7946 0958', '442079460958'],
		['+49.30.1234567', '49301234567'],
		['  16505551234  ', '16505551234'],
		['+55 11 98765-4321', '5511987654321'],
		['16505551234', '16505551234'],
	])('turns %j into %j', (input, expected) => {
		expect(normalizeRecipient(input)).toBe(expected);
	});

	it('accepts a WhatsApp ID given as a number', () => {
		expect(normalizeRecipient(16505551234)).toBe('16505551234');
	});

	it('rejects a national number that starts with 0 and says to add the country code', () => {
		const error = rejection('020 7946 0958');
		expect(error.field).toBe('to');
		expect(error.message).toMatch(/country code/);
	});

	it('rejects letters', () => {
		expect(rejection('+1 650 CALL NOW').message).toMatch(/not a phone number/);
	});

	it('rejects a plus sign in the middle', () => {
		expect(rejection('1+6505551234').message).toMatch(/not a phone number/);
	});

	it('rejects fewer than 8 digits', () => {
		expect(rejection('+1 555 12').message).toMatch(/8 to 15/);
	});

	it('rejects more than 15 digits', () => {
		expect(rejection('+1 650 555 1234 56789').message).toMatch(/8 to 15/);
	});

	it('rejects an empty value', () => {
		expect(rejection('   ').message).toMatch(/empty/);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
	it.each([
		['US.13491208655302741918', 'US.13491208655302741918'],
		['  BR.1502576394655843 ', 'BR.1502576394655843'],
		['US.ENT.11815799212886844830', 'US.ENT.11815799212886844830'],
		['DE.aB3xY9', 'DE.aB3xY9'],
	])('keeps the business-scoped user ID %j exactly as given', (input, expected) => {
		expect(normalizeRecipient(input)).toBe(expected);
	});

	it.each(['us.13491208655302741918', 'US.', 'US.1349-1208', `US.${'1'.repeat(129)}`, 'USA.1349'])(
		'rejects %j, which looks like a business-scoped user ID but is not one, and says what one looks like',
		(input) => {
			expect(rejection(input).message).toMatch(/US\.13491208655302741918/);
		},
	);

	it('rejects a username and points at the ID to use instead', () => {
		const error = rejection('@realsheenanelson');
		expect(error.field).toBe('to');
		expect(error.message).toMatch(/username.*business-scoped user ID.*replyTo/);
	});

	it('rejects non-text values without crashing', () => {
		expect(rejection({ phone: '+1650' }).field).toBe('to');
		expect(rejection(null).field).toBe('to');
	});
});
