/**
 * The WhatsApp Business Account node's business profile operations in real workflows against the simulator.
 * Shapes: https://developers.facebook.com/documentation/business-messaging/whatsapp/business-profiles
 * Limits: https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/business-profiles
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { accountHarness, PHONE } from './harness';

const harness = accountHarness('businessProfile');
const run = harness.run;
let sim: Simulator;

beforeAll(() => {
	sim = harness.sim;
});

const profileCalls = () => sim.requests().filter((request) => request.path.endsWith('/whatsapp_business_profile'));

describe('Get and Update', () => {
	it('gets the profile with the fields Meta\'s guide asks for, flat', async () => {
		const result = await run({ operation: 'get' });
		expect(new URLSearchParams(profileCalls()[0].query).get('fields')).toBe('about,address,description,email,profile_picture_url,websites,vertical');
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ phoneNumberId: PHONE, about: expect.any(String), websites: expect.any(Array), messaging_product: 'whatsapp' })]);
	});

	it('sends only the fields set, websites as a list, and the next Get shows them', async () => {
		const updated = await run({
			operation: 'update',
			updateFields: { about: 'Fresh plants daily 🌵', websites: 'https://plants.example.com, https://instagram.com/plants', vertical: 'RETAIL', email: 'hi@plants.example.com', profilePictureHandle: '4::aW1hZ2UvanBlZw==:ARZsim' },
		});
		expect(JSON.parse(profileCalls()[0].body)).toEqual({
			messaging_product: 'whatsapp',
			about: 'Fresh plants daily 🌵',
			email: 'hi@plants.example.com',
			websites: ['https://plants.example.com', 'https://instagram.com/plants'],
			vertical: 'RETAIL',
			profile_picture_handle: '4::aW1hZ2UvanBlZw==:ARZsim',
		});
		expect(updated.outputs('Account')).toEqual([{ success: true, phoneNumberId: PHONE, updated: ['about', 'email', 'websites', 'vertical', 'profile_picture_handle'] }]);
		const read = await run({ operation: 'get' });
		expect(read.outputs('Account')[0]).toEqual(expect.objectContaining({ about: 'Fresh plants daily 🌵', websites: ['https://plants.example.com', 'https://instagram.com/plants'] }));
	});
});

describe('bad input fails before any call, naming the item and the field', () => {
	it.each([
		['nothing to update', { updateFields: {} }, '"Update Fields" is empty'],
		['an empty About', { updateFields: { about: ' ' } }, '"Update Fields › About" is empty'],
		['an About over 139 characters', { updateFields: { about: 'a'.repeat(140) } }, '"Update Fields › About" is 140 characters long'],
		['an Address over 256 characters', { updateFields: { address: 'a'.repeat(257) } }, '"Update Fields › Address" is 257 characters long'],
		['a Description over 512 characters', { updateFields: { description: 'd'.repeat(513) } }, '"Update Fields › Description" is 513 characters long'],
		['an Email over 128 characters', { updateFields: { email: `${'e'.repeat(120)}@example.com` } }, '"Update Fields › Email" is 132 characters long'],
		['an Email that is no address', { updateFields: { email: 'plants at example' } }, '"Update Fields › Email" is "plants at example"'],
		['three websites', { updateFields: { websites: 'https://a.example, https://b.example, https://c.example' } }, '"Update Fields › Websites" has 3 websites'],
		['a website without http', { updateFields: { websites: 'www.example.com' } }, '"Update Fields › Websites" has "www.example.com" as website #1'],
		['a website over 256 characters', { updateFields: { websites: `https://example.com/${'w'.repeat(240)}` } }, '"Update Fields › Websites" is 260 characters long'],
		['a vertical Meta does not know', { updateFields: { vertical: '={{ "PLANTS" }}' } }, '"Update Fields › Vertical" is "PLANTS"'],
		['a picture handle that is no handle', { updateFields: { profilePictureHandle: 'https://example.com/me.jpg' } }, '"Update Fields › Profile Picture Handle" is not a handle'],
	] as Array<[string, INodeParameters, string]>)('%s', async (_case, parameters, message) => {
		const result = await run({ operation: 'update', ...parameters });
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(sim.requests()).toEqual([]);
	});
});

/**
 * The profile picture from a binary file, through Meta's Resumable Upload API:
 * https://developers.facebook.com/docs/graph-api/guides/upload (session on /{app-id}/uploads with file_name,
 * file_length, file_type; the bytes to the session with `file_offset` as an HTTP header and `Authorization: OAuth`;
 * the answer's `h` is the handle), and the profile update's `profile_picture_handle`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/business-profiles).
 */
describe('Update › Profile Picture File', () => {
	const APP_ID = () => sim.fixture.appId;
	const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048, 7)]);
	const withPicture = (updateFields: INodeParameters, mimeType = 'image/png', appId: string | undefined = APP_ID()) =>
		run({ operation: 'update', updateFields }, false, {
			credential: { appId },
			inputItems: [{ json: {}, binary: { picture: { data: PNG.toString('base64'), mimeType, fileName: 'logo.png' } } } as never],
		});

	it('uploads the file in a session of the app, then sets the handle Meta gave', async () => {
		const result = await withPicture({ profilePictureBinary: 'picture', about: 'Plants' });
		const [start, bytes] = sim.requests().filter((request) => request.path.includes('upload'));
		expect(start.path).toBe(`/v26.0/${APP_ID()}/uploads`);
		expect(Object.fromEntries(new URLSearchParams(start.query))).toEqual({ file_name: 'logo.png', file_length: String(PNG.length), file_type: 'image/png' });
		expect(bytes.path).toMatch(/^\/v26\.0\/upload:/);
		expect(bytes.headers.file_offset).toBe('0');
		// The simulator refuses the bytes without the token in the Authorization header (its log leaves the header out).
		const body = JSON.parse(profileCalls()[0].body) as { profile_picture_handle: string; about: string };
		expect(body.about).toBe('Plants');
		expect(body.profile_picture_handle).toMatch(/^4::aW1hZ2UvcG5n:/);
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ success: true, updated: ['about', 'profile_picture_handle'] })]);
	});

	it.each([
		['a file that is not a JPEG or PNG', { profilePictureBinary: 'picture' }, 'application/pdf', '"Update Fields › Profile Picture File" holds a file of type "application/pdf"'],
		['both a file and a handle', { profilePictureBinary: 'picture', profilePictureHandle: '4::aW1hZ2UvanBlZw==:ARZsim' }, 'image/png', '"Update Fields › Profile Picture File" and "Profile Picture Handle" are both set'],
		['an empty field name', { profilePictureBinary: ' ' }, 'image/png', '"Update Fields › Profile Picture File" is empty: name the input binary field'],
	])('refuses %s before any call', async (_case, updateFields, mimeType, message) => {
		const result = await withPicture(updateFields, mimeType);
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(sim.requests()).toEqual([]);
	});

	it('refuses a picture file without the App ID in the credential before any call', async () => {
		const result = await withPicture({ profilePictureBinary: 'picture' }, 'image/png', '');
		expect(result.nodeError('Account')?.message).toContain('Item 1: "WhatsApp Cloud Nodes API credential › App ID" is empty');
		expect(sim.requests()).toEqual([]);
	});
});
