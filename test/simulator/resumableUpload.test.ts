/**
 * The simulator's Resumable Upload API against Meta's pages: https://developers.facebook.com/docs/graph-api/guides/upload
 * (session, upload with `file_offset`, resume) and the business profile's upload steps (the offset and the token only
 * as HTTP headers).
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { shapeDifferences, type Json } from '../contract/fixtures';
import { startSimulator, type Simulator } from './index';

/** The documented answer of a fixture (test/contract/fixtures/requests, each naming its Meta page). */
const documented = (name: string) =>
	(JSON.parse(readFileSync(join(__dirname, '../contract/fixtures/requests', `${name}.json`), 'utf8')) as { response: { body: Json } }).response.body;

const V = 'v26.0';
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => sim.reset());

const bytes = Buffer.from('\x89PNG fake picture bytes');

async function startSession(fileType = 'image/png', length = bytes.length): Promise<{ status: number; body: { id?: string; error?: { code: number } } }> {
	const response = await fetch(`${sim.url}/${V}/${sim.fixture.appId}/uploads?file_name=photo.png&file_length=${length}&file_type=${encodeURIComponent(fileType)}&access_token=${sim.fixture.accessToken}`, { method: 'POST' });
	return { status: response.status, body: (await response.json()) as { id?: string; error?: { code: number } } };
}

function post(id: string, data: Buffer, headers: Record<string, string>) {
	return fetch(`${sim.url}/${V}/${id}`, { method: 'POST', body: data, headers });
}

describe('resumable upload', () => {
	it('gives a session ID, then a handle for the whole file sent with file_offset 0', async () => {
		const { body } = await startSession();
		expect(body.id).toMatch(/^upload:[A-Za-z0-9_-]+\?sig=/);
		const uploaded = await post(body.id!, bytes, { Authorization: `OAuth ${sim.fixture.accessToken}`, file_offset: '0' });
		const answer = await uploaded.json();
		expect(answer).toEqual({ h: expect.stringMatching(/^4::aW1hZ2UvcG5n:/) });
		// resumable-upload-file.json: the step the contract harness cannot send.
		expect(shapeDifferences(documented('resumable-upload-file'), answer)).toEqual([]);
	});

	it('resumes from the offset GET reports', async () => {
		const { body } = await startSession();
		const auth = { Authorization: `OAuth ${sim.fixture.accessToken}` };
		await post(body.id!, bytes.subarray(0, 5), { ...auth, file_offset: '0' });
		const state = (await (await fetch(`${sim.url}/${V}/${body.id}`, { headers: auth })).json()) as { file_offset: number };
		expect(state.file_offset).toBe(5);
		const rest = await post(body.id!, bytes.subarray(5), { ...auth, file_offset: String(state.file_offset) });
		expect((await rest.json()) as object).toHaveProperty('h');
	});

	it('refuses a file type Meta does not take, a missing file_offset header and a token outside the header', async () => {
		expect((await startSession('image/webp')).body.error?.code).toBe(100);
		const { body } = await startSession();
		expect(((await (await post(body.id!, bytes, { Authorization: `OAuth ${sim.fixture.accessToken}` })).json()) as { error: { code: number } }).error.code).toBe(100);
		const inQuery = await fetch(`${sim.url}/${V}/${body.id}&access_token=${sim.fixture.accessToken}`, { method: 'POST', body: bytes, headers: { file_offset: '0' } });
		expect(((await inQuery.json()) as { error: { code: number } }).error.code).toBe(190);
	});
});
