/**
 * Bounded memory (issue 24, item 4), measured: the peak of the process's live Buffer memory (`arrayBuffers`, sampled
 * after a forced garbage collection every few ms) while real workflows run against the simulator. Send Message holds
 * one copy of a file however many items carry it; WhatsApp Media streams downloads into n8n's binary store, a few at a
 * time, instead of holding every file whole. The simulator runs in this process too: what it keeps (the uploaded
 * file) is in the baseline, measured before the run. The media calls are Meta's: upload, then the media URL and the
 * download with the token (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media,
 * as the contract suite's media fixtures pin the simulator to them).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { removeStoredBinaryData, runWorkflow } from '../harness';
import { startSimulator, type Simulator } from '../simulator';
import { uploadMediaCached } from '../../nodes/shared/media';
import { destroyGraphClients } from '../../nodes/shared/transport';
import { clearMediaCache, resetGateForTests } from '../support/testHooks';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const PHONE = '300000000000001';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	removeStoredBinaryData();
	await resetGateForTests();
	destroyGraphClients();
	await sim.stop();
});

beforeEach(() => {
	clearMediaCache();
	sim.reset();
});

/** A PDF of `size` bytes (its header, then filler). */
function pdf(size: number): Buffer {
	const data = Buffer.alloc(size, 0x20);
	data.write('%PDF-1.4\n');
	return data;
}

const credentials = () => ({
	whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId, registeredNumbers: 1 },
});

/** Runs `work` and returns how far live Buffer memory rose above what it was just before (peak − baseline). */
async function peakGrowth(work: () => Promise<void>): Promise<number> {
	collectGarbage();
	const baseline = process.memoryUsage().arrayBuffers;
	let peak = baseline;
	const sample = () => {
		collectGarbage();
		peak = Math.max(peak, process.memoryUsage().arrayBuffers);
	};
	// A forced full GC a second, not more often: on a busy CI machine (real n8n processes starting beside this one)
	// GCs every 200 ms over the items' strings starved the in-process simulator until sends timed out.
	const sampler = setInterval(sample, 1000);
	try {
		await work();
	} finally {
		clearInterval(sampler);
	}
	sample();
	return peak - baseline;
}

test('Send Message: 40 items carrying one 4 MB PDF hold it once, not 40 times (160 MB)', async () => {
	const file = pdf(4 * MB).toString('base64');
	const items = Array.from({ length: 40 }, (_, index) => ({
		json: { phone: `+1 650 555 ${String(2000 + index)}` },
		// One file handed to every item, as a Split Out or a Merge node would.
		binary: { data: { data: file, mimeType: 'application/pdf', fileName: 'terms.pdf' } },
	}));
	let failure: unknown;
	const growth = await peakGrowth(async () => {
		const result = await runWorkflow({
			nodes: [
				{
					name: 'Send',
					type: 'whatsAppSendMessage',
					parameters: { phoneNumberId: { __rl: true, mode: 'id', value: PHONE }, recipient: '={{ $json.phone }}', messageType: 'document', mediaSource: 'binary' },
				},
			],
			credentials: credentials(),
			inputItems: items,
		});
		failure = result.error;
	});
	expect(failure).toBeUndefined();
	expect(sim.log()).toHaveLength(40);
	// One copy read, one in the upload's form and the simulator's parse of it: tens of MB, never 40 copies.
	expect(growth).toBeLessThan(64 * MB);
}, 180_000);

// 24 files of 4 MB (96 MB): all held at once would be far above the bound; streamed, a few 64 KB chunks are. The
// timeout is generous because the files go to disk, which a busy CI machine makes slow (60 s was once not enough).
test("WhatsApp Media: 24 downloads of a 4 MB file stream to n8n's binary store, never 24 files (96 MB) in memory", async () => {
	const data = pdf(4 * MB);
	const { mediaId } = await uploadMediaCached({
		credentials: credentials().whatsAppCloudApi,
		phoneNumberId: PHONE,
		data,
		mimeType: 'application/pdf',
		fileName: 'catalogue.pdf',
	});
	let result: Awaited<ReturnType<typeof runWorkflow>> | undefined;
	const growth = await peakGrowth(async () => {
		result = await runWorkflow({
			nodes: [{ name: 'Download', type: 'whatsAppMedia', parameters: { operation: 'download', mediaId } }],
			credentials: credentials(),
			inputItems: Array.from({ length: 24 }, (_, index) => ({ json: { index } })),
			binaryMode: 'filesystem',
		});
	});
	expect(result?.error).toBeUndefined();
	expect(result?.outputs('Download')).toHaveLength(24);
	expect((await result!.binary('Download', 23)).equals(data)).toBe(true);
	// At most 4 downloads under way, each a few socket chunks at a time: far below the 96 MB of every file at once.
	expect(growth).toBeLessThan(40 * MB);
}, 180_000);
