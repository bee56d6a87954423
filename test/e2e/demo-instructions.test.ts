/**
 * The commands `npm start` prints are run as printed, in a shell, against a simulator on a port of its own (not the
 * 4100 the README used to hard-code): the customer's message goes in, and the log command shows the bot's reply to
 * that customer on top, even after a broadcast to other people.
 */
import { execFile } from 'child_process';
import { promisify } from 'util';
import * as http from 'http';

import { startSimulator, type Simulator } from '../simulator';

/* eslint-disable @typescript-eslint/no-require-imports */
const { demoInstructions, customerCommands, DEMO_CUSTOMER } = require('../../scripts/demo/instructions') as {
	demoInstructions: (input: Record<string, unknown>) => string[];
	customerCommands: (
		simUrl: string,
		phoneNumberId: string,
		supportPhoneNumberId?: string,
	) => { inbound: string; reply: string; counters: string; supportInbound?: string; supportAnswer?: string };
	DEMO_CUSTOMER: { from: string; name: string };
};
/* eslint-enable @typescript-eslint/no-require-imports */

let sim: Simulator;
let bot: http.Server;
/** Every inbound message the stand-in bot received. */
const received: Array<Record<string, unknown>> = [];

/** A stand-in for the echo bot: answers each inbound text through the Graph API, as the demo workflow does. */
function startBot(): Promise<http.Server> {
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			res.end('ok');
			const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
			for (const entry of body.entry ?? []) {
				for (const change of entry.changes ?? []) {
					for (const message of change.value?.messages ?? []) {
						received.push(message);
						if (message.type !== 'text') continue;
						void fetch(`${sim.url}/v26.0/${change.value.metadata.phone_number_id}/messages`, {
							method: 'POST',
							headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
							body: JSON.stringify({ messaging_product: 'whatsapp', to: message.from, type: 'text', text: { body: `You said: ${message.text?.body}` } }),
						});
					}
				}
			}
		});
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs a printed command in a shell (asynchronously: the simulator answers from this process). */
async function shell(command: string): Promise<string> {
	return (await promisify(execFile)('sh', ['-c', command], { encoding: 'utf8', timeout: 10000 })).stdout;
}

beforeAll(async () => {
	bot = await startBot();
	const { port } = bot.address() as { port: number };
	sim = await startSimulator({ latency: 'none', webhooks: { callbackUrl: `http://127.0.0.1:${port}/` } });
});

afterAll(async () => {
	await sim.stop();
	await new Promise((resolve) => bot.close(resolve));
});

test('every printed URL is the one in use, whatever port the simulator and n8n got', () => {
	const lines = demoInstructions({
		n8nUrl: 'http://127.0.0.1:5690',
		simUrl: sim.url,
		phoneNumberId: sim.fixture.phoneNumbers[0].id,
		owner: { email: 'demo@example.com', password: 'pw' },
		logFile: '/tmp/n8n.log',
		readyIn: '1 s',
	}).join('\n');
	expect(sim.url).not.toContain(':4100');
	const urls = lines.match(/https?:\/\/[^\s'"]+/g) ?? [];
	expect(urls.length).toBeGreaterThan(5);
	for (const url of urls) expect(url.startsWith(sim.url) || url.startsWith('http://127.0.0.1:5690')).toBe(true);
});

test('the printed commands, run as printed, show the bot\'s reply to the customer on top after a broadcast', async () => {
	const commands = customerCommands(sim.url, sim.fixture.phoneNumbers[0].id);
	// A broadcast went out first, to the customer among others: it must not hide the reply.
	for (const to of [DEMO_CUSTOMER.from, '15550009001', '15550009002', '15550009003', '15550009004']) {
		await fetch(`${sim.url}/v26.0/${sim.fixture.phoneNumbers[0].id}/messages`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'news' } }),
		});
	}
	await shell(commands.inbound);
	let reply: { messages: Array<{ to: string; body: { text?: { body?: string } } }> } = { messages: [] };
	for (let tries = 0; tries < 50 && reply.messages.length === 0; tries++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		reply = JSON.parse(await shell(commands.reply));
	}
	expect(reply.messages).toHaveLength(1);
	expect(reply.messages[0].to).toBe(DEMO_CUSTOMER.from);
	expect(reply.messages[0].body.text?.body).toBe('You said: hello');
	expect(JSON.parse(await shell(commands.counters))).toMatchObject({ accepted: 6 });
});

test('the printed support-bot tap quotes the question the customer got last, as Meta\'s button replies do', async () => {
	const support = sim.fixture.phoneNumbers[1].id;
	const commands = customerCommands(sim.url, sim.fixture.phoneNumbers[0].id, support);
	const asked = await fetch(`${sim.url}/v26.0/${support}/messages`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
		body: JSON.stringify({ messaging_product: 'whatsapp', to: DEMO_CUSTOMER.from, type: 'text', text: { body: 'Is your issue solved?' } }),
	});
	const wamid = ((await asked.json()) as { messages: Array<{ id: string }> }).messages[0].id;
	await shell(commands.supportAnswer!);
	const tap = await (async () => {
		for (let tries = 0; tries < 50; tries++) {
			const found = received.find((message) => message.type === 'interactive');
			if (found) return found;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		return undefined;
	})();
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive
	expect(tap).toMatchObject({ from: DEMO_CUSTOMER.from, context: { id: wamid }, interactive: { type: 'button_reply', button_reply: { id: 'approve' } } });
});
