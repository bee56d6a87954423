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

	it('rejects a business-scoped user ID with a message naming it', () => {
		expect(rejection('US.13491208655302741918').message).toMatch(/business-scoped user ID/);
	});

	it('rejects non-text values without crashing', () => {
		expect(rejection({ phone: '+1650' }).field).toBe('to');
		expect(rejection(null).field).toBe('to');
	});
});
