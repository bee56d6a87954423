/**
 * Download when Meta's short-lived URL has expired: the node asks for a fresh URL and returns the same bytes.
 * The simulator's clock is moved by hand (no waiting): URLs live `urlTtlMs` of simulator time.
 */
import { runWorkflow } from '../../test/harness';
import { startSimulator } from '../../test/simulator';
import type { Simulator } from '../../test/simulator';
import { destroyGraphClients } from '../shared/transport';
import { clearMediaCache } from '../../test/support/testHooks';

const PHONE = '300000000000001';
const TTL_MS = 1000;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 5), Buffer.from('\n%%EOF\n')]);

let sim: Simulator;
const base = Date.now();
/** Simulator time = base + shift (+ one more TTL once the first download-URL fetch of the Download run arrived). */
let shift = 0;
let jumpAfterFetchesFrom: number | undefined;
const attachmentFetches = () => sim.requests().filter((request) => request.path.includes('/whatsapp_business/attachments'));

const credentials = () => ({
	whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId },
});

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
	sim.configure({
		media: { urlTtlMs: TTL_MS },
		clock: () => {
			const jumped = jumpAfterFetchesFrom !== undefined && attachmentFetches().length > jumpAfterFetchesFrom;
			return base + shift + (jumped ? TTL_MS + 1 : 0);
		},
	} as never);
	clearMediaCache();
});

afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

it('downloads equal bytes after the URL expired, and again when the fresh URL lapses before it is fetched', async () => {
	const first = await runWorkflow({
		nodes: [
			{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: { __rl: true, mode: 'id', value: PHONE } } },
			{ name: 'Get URL', type: 'whatsAppMedia', parameters: { operation: 'getUrl', mediaId: '={{ $json.mediaId }}' } },
		],
		credentials: credentials(),
		inputItems: [{ json: {}, binary: { data: { data: PDF.toString('base64'), mimeType: 'application/pdf', fileName: 'invoice.pdf' } } }],
	});
	expect(first.error).toBeUndefined();
	const { mediaId, url } = first.outputs('Get URL')[0] as { mediaId: string; url: string };

	// The URL Get URL gave has expired by now: Meta (the simulator) refuses it.
	shift = TTL_MS + 1;
	const stale = await fetch(url, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
	expect(stale.status).toBe(404);
	expect(await stale.text()).toContain('expired');

	// In the Download run, the fresh URL lapses between GET /{media-id} and the fetch: the node asks once more.
	const infoCallsBefore = sim.requests().filter((request) => request.method === 'GET' && request.path.endsWith(`/${mediaId}`)).length;
	jumpAfterFetchesFrom = attachmentFetches().length;
	const download = await runWorkflow({
		nodes: [{ name: 'Download', type: 'whatsAppMedia', parameters: { operation: 'download', mediaId } }],
		credentials: credentials(),
	});
	expect(download.error).toBeUndefined();
	expect((await download.binary('Download')).equals(PDF)).toBe(true);
	expect(download.outputs('Download')[0]).toMatchObject({ mediaId, mimeType: 'application/pdf', fileSize: PDF.length, fileName: `${mediaId}.pdf` });
	const infoCalls = sim.requests().filter((request) => request.method === 'GET' && request.path.endsWith(`/${mediaId}`)).length - infoCallsBefore;
	expect(infoCalls).toBe(2);
	expect(attachmentFetches().length - jumpAfterFetchesFrom).toBe(2);
});
