/**
 * The few Graph calls n8n's built-in WhatsApp Trigger makes when it is activated (an app token, then the app's
 * webhook subscriptions), answered locally so the bench can use it as the anchor without reaching Meta. It plays no
 * part in the webhooks measured.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export async function startGraphStub(): Promise<{ url: string; stop(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			const path = (req.url ?? '').split('?')[0];
			let answer: unknown = { success: true };
			if (path.endsWith('/oauth/access_token')) answer = { access_token: 'bench-app-token', token_type: 'bearer' };
			else if (path.endsWith('/subscriptions') && req.method === 'GET') answer = { data: [] };
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(answer));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
