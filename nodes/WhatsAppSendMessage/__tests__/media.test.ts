/**
 * Media kinds through the workflow harness against the simulator: each kind from a media ID, video / audio / sticker
 * from a binary file, and a cached media ID that Meta no longer knows (uploaded again once, then sent).
 */
import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, STANDARD_NUMBER, withSimulator } from './helpers';
import { clearMediaCache } from '../../../test/support/testHooks';

let sim: Simulator;

/** Each message body the node hands the gate, the object itself: a body built afresh is another object than one patched. */
const mockHandedBodies: unknown[] = [];
jest.mock('../../shared/limiter', () => {
	const actual = jest.requireActual('../../shared/limiter');
	return {
		...actual,
		scheduleGraphCall: (call: { request: { path: string; body?: unknown } }) => {
			if (call.request.path.endsWith('/messages')) mockHandedBodies.push(call.request.body);
			return actual.scheduleGraphCall(call);
		},
	};
});

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64, 1)]);
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(64, 2)]);
/** A static WebP (VP8X without the animation flag). */
function webp(size = 256): Buffer {
	const data = Buffer.alloc(size, 0);
	data.write('RIFF', 0, 'ascii');
	data.writeUInt32LE(size - 8, 4);
	data.write('WEBP', 8, 'ascii');
	data.write('VP8X', 12, 'ascii');
	data.writeUInt32LE(10, 16);
	return data;
}

const FILES = {
	image: { data: PNG, mimeType: 'image/png', fileName: 'dot.png' },
	video: { data: MP4, mimeType: 'video/mp4', fileName: 'clip.mp4' },
	audio: { data: OGG, mimeType: 'audio/ogg', fileName: 'note.ogg' },
	document: { data: PDF, mimeType: 'application/pdf', fileName: 'invoice.pdf' },
	sticker: { data: webp(), mimeType: 'image/webp', fileName: 'smile.webp' },
} as const;
type Kind = keyof typeof FILES;

const withFile = (kind: Kind) => [
	{ json: {}, binary: { data: { data: FILES[kind].data.toString('base64'), mimeType: FILES[kind].mimeType, fileName: FILES[kind].fileName } } },
];

const uploads = () => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/media')).length;

/** Uploads straight to the simulator, outside the node and its cache. */
async function uploadDirect(kind: Kind): Promise<string> {
	const form = new FormData();
	form.append('messaging_product', 'whatsapp');
	form.append('type', FILES[kind].mimeType);
	form.append('file', new Blob([FILES[kind].data], { type: FILES[kind].mimeType }), FILES[kind].fileName);
	const response = await fetch(`${sim.url}/v26.0/${STANDARD_NUMBER}/media`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${sim.fixture.accessToken}` },
		body: form,
	});
	const body = (await response.json()) as { id?: string };
	expect(response.status).toBe(200);
	return String(body.id);
}

/** Deletes a media ID at the simulator behind the node's back (the node's cache still holds it). */
async function deleteDirect(mediaId: string): Promise<void> {
	const response = await fetch(`${sim.url}/v26.0/${mediaId}`, {
		method: 'DELETE',
		headers: { Authorization: `Bearer ${sim.fixture.accessToken}` },
	});
	expect(response.status).toBe(200);
}

withSimulator((started) => (sim = started), clearMediaCache);

describe('media from a media ID', () => {
	test.each(Object.keys(FILES) as Kind[])('%s', async (kind) => {
		const mediaId = await uploadDirect(kind);
		const result = await send(sim, { messageType: kind, mediaSource: 'id', mediaId });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')[0]).toMatchObject({ messageType: kind, messageStatus: 'accepted' });
		expect(result.outputs('Send')[0].mediaId).toBeUndefined();
		expect(sim.log()).toHaveLength(1);
		expect(sim.log()[0].body).toMatchObject({ type: kind, [kind]: { id: mediaId } });
		expect(uploads()).toBe(1);
	});

	test('a media ID Meta does not know fails with Meta’s code, and nothing is uploaded in its place', async () => {
		const result = await send(sim, { messageType: 'image', mediaSource: 'id', mediaId: '999999999999999' }, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const [output] = result.outputs('Send');
		expect(output.code).toBe(131009);
		expect(String(output.details)).toContain('999999999999999');
		expect(output.retryable).toBe(false);
		expect(uploads()).toBe(0);
		expect(sim.log()).toHaveLength(0);
	});
});

describe('media from a binary file', () => {
	test.each(['video', 'audio', 'sticker'] as Kind[])('%s is uploaded, then sent by its media ID', async (kind) => {
		const result = await send(sim, { messageType: kind, mediaSource: 'binary', binaryPropertyName: 'data' }, { inputItems: withFile(kind) });
		expect(result.error).toBeUndefined();
		const [output] = result.outputs('Send');
		expect(output).toMatchObject({ messageType: kind, fromCache: false });
		expect(uploads()).toBe(1);
		const uploadRequest = sim.requests().find((request) => request.path.endsWith('/media'))!;
		expect(uploadRequest.path).toBe(`/v26.0/${STANDARD_NUMBER}/media`);
		expect(sim.log()[0].body).toMatchObject({ type: kind, [kind]: { id: output.mediaId } });
	});
});

describe('a cached media ID that Meta no longer knows', () => {
	test('is forgotten, the file uploaded once more and the message sent', async () => {
		const first = await send(sim, { messageType: 'image', mediaSource: 'binary', caption: 'One' }, { inputItems: withFile('image') });
		expect(first.error).toBeUndefined();
		const oldId = String(first.outputs('Send')[0].mediaId);
		await deleteDirect(oldId);

		const second = await send(sim, { messageType: 'image', mediaSource: 'binary', caption: 'Two' }, { inputItems: withFile('image') });
		expect(second.error).toBeUndefined();
		const [output] = second.outputs('Send');
		expect(output).toMatchObject({ fromCache: false, mediaReuploaded: true, messageStatus: 'accepted' });
		expect(output.mediaId).not.toBe(oldId);
		expect(uploads()).toBe(2);
		// One send refused for the stale ID, then the resend: two messages accepted in all, the last with the new ID.
		expect(messageCalls(sim)).toBe(3);
		expect(sim.log()).toHaveLength(2);
		expect(sim.log()[1].body).toMatchObject({ image: { id: output.mediaId, caption: 'Two' } });

		// The new ID is cached: a third run uploads nothing.
		const third = await send(sim, { messageType: 'image', mediaSource: 'binary' }, { inputItems: withFile('image') });
		expect(third.outputs('Send')[0]).toMatchObject({ fromCache: true, mediaId: output.mediaId });
		expect(uploads()).toBe(2);
	});

	test('the resend is a body built afresh from the new upload\'s ID: the refused body is another object, still with the stale ID', async () => {
		const first = await send(sim, { messageType: 'image', mediaSource: 'binary', caption: 'One' }, { inputItems: withFile('image') });
		const oldId = String(first.outputs('Send')[0].mediaId);
		await deleteDirect(oldId);
		mockHandedBodies.length = 0;

		const second = await send(sim, { messageType: 'image', mediaSource: 'binary', caption: 'Two' }, { inputItems: withFile('image') });
		const newId = String(second.outputs('Send')[0].mediaId);
		expect(newId).not.toBe(oldId);
		const [refused, resent] = mockHandedBodies as Array<{ image: { id: string; caption: string } }>;
		expect(mockHandedBodies).toHaveLength(2);
		expect(resent).not.toBe(refused);
		expect(refused.image).toEqual({ id: oldId, caption: 'Two' });
		expect(resent.image).toEqual({ id: newId, caption: 'Two' });
		// What reached the simulator is the body built for the resend.
		expect(sim.log()[1].body).toEqual(resent);
	});

	test('many items sharing the stale ID upload the file again only once', async () => {
		await send(sim, { messageType: 'image', mediaSource: 'binary' }, { inputItems: withFile('image') });
		const oldId = String(sim.log()[0].body.image && (sim.log()[0].body.image as { id: string }).id);
		await deleteDirect(oldId);
		const items = Array.from({ length: 20 }, (_, i) => ({ ...withFile('image')[0], json: { phone: `+1 650 555 ${1000 + i}` } }));
		const result = await send(sim, { messageType: 'image', mediaSource: 'binary', recipient: '={{ $json.phone }}' }, { inputItems: items });
		expect(result.error).toBeUndefined();
		expect(uploads()).toBe(2);
		expect(new Set(result.outputs('Send').map((o) => o.mediaId)).size).toBe(1);
		expect(sim.log()).toHaveLength(21);
	});
});
