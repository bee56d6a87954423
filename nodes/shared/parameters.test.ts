import { constantKind } from './parameters';

describe('constantKind: whether a stored parameter is the same for every item', () => {
	const stored = {
		messageType: 'text',
		recipient: '={{ $json.phone }}',
		sendOptions: { bizOpaqueCallbackData: 'batch-7' },
		whole: '={{ { includeRawResponse: $json.raw } }}',
		buttons: { button: [{ id: 'yes', title: '={{ $json.yes }}' }] },
		phoneNumberId: { __rl: true, mode: 'id', value: '300000000000001' },
	};

	test('a stored constant, also inside a collection or a resource locator', () => {
		expect(constantKind(stored, 'messageType')).toBe('stored');
		expect(constantKind(stored, 'sendOptions.bizOpaqueCallbackData')).toBe('stored');
		expect(constantKind(stored, 'phoneNumberId')).toBe('stored');
	});

	test('an expression, or a value holding one anywhere inside, is per item', () => {
		expect(constantKind(stored, 'recipient')).toBeUndefined();
		expect(constantKind(stored, 'buttons')).toBeUndefined();
	});

	test('a field of a collection given as one expression is per item', () => {
		expect(constantKind(stored, 'whole.includeRawResponse')).toBeUndefined();
	});

	test('a parameter not stored is absent (n8n gives the fallback), also under a collection without it', () => {
		expect(constantKind(stored, 'previewUrl')).toBe('absent');
		expect(constantKind(stored, 'sendOptions.includeRawResponse')).toBe('absent');
	});
});
