import axios from 'axios';
import { captureOutput, findSecretLeaks } from './secrets';

const SECRETS = { accessToken: 'EAAGleak0TOKEN0123456789', appSecret: 'leakSecret0123456789' };

describe('findSecretLeaks', () => {
	test('finds the token in the request headers an axios error carries', async () => {
		let caught: unknown;
		try {
			await axios.get('http://127.0.0.1:1/x', { headers: { Authorization: `Bearer ${SECRETS.accessToken}` } });
		} catch (error) {
			caught = error;
		}
		expect(findSecretLeaks(caught, SECRETS).length).toBeGreaterThan(0);
	});

	test('finds a secret hidden in a non-enumerable property', () => {
		const error = new Error('clean');
		Object.defineProperty(error, 'hidden', { value: { deep: { secret: SECRETS.appSecret } }, enumerable: false });
		expect(findSecretLeaks(error, SECRETS).length).toBeGreaterThan(0);
	});

	test('finds a secret in the cause chain', () => {
		const error = new Error('clean', { cause: new Error(`inner ${SECRETS.accessToken}`) });
		expect(findSecretLeaks(error, SECRETS).length).toBeGreaterThan(0);
	});

	test('finds a URL-encoded secret', () => {
		expect(findSecretLeaks(`x?t=${encodeURIComponent('a|' + SECRETS.appSecret)}`, SECRETS).length).toBeGreaterThan(0);
	});

	test('reports nothing for a clean error', () => {
		expect(findSecretLeaks(new Error('nothing to see'), SECRETS)).toEqual([]);
	});
});

describe('captureOutput', () => {
	test('captures console lines until restored', () => {
		const output = captureOutput();
		try {
			console.warn('hello', { a: 1 });
		} finally {
			output.restore();
		}
		expect(output.text()).toContain('hello');
	});
});
