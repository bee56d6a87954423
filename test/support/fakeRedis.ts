/** A fake Redis speaking just enough RESP for ioredis to connect and be ready, for tests that control the server. */
import * as net from 'node:net';

export interface FakeRedis {
	port: number;
	connections: number;
	/** A frozen fake reads commands and answers none until thawed (as a SIGSTOPped server's kernel takes the bytes). */
	thaw(): void;
	close(): Promise<void>;
}

/** Answers INFO with the given server fields and everything else with +OK; `frozen`: answers nothing until `thaw()`. */
export async function startFakeRedis(info: Record<string, string>, options: { frozen?: boolean } = {}): Promise<FakeRedis> {
	const text = ['# Server', ...Object.entries(info).map(([key, value]) => `${key}:${value}`), ''].join('\r\n');
	const sockets = new Set<net.Socket>();
	let frozen = options.frozen === true;
	const answerAll: Array<() => void> = [];
	const fake: FakeRedis = {
		port: 0,
		connections: 0,
		thaw: () => {
			frozen = false;
			for (const answer of answerAll) answer();
		},
		close: async () => undefined,
	};
	const server = net.createServer((socket) => {
		fake.connections++;
		sockets.add(socket);
		let pending = '';
		const answer = () => {
			// One reply per complete RESP command (`*N` then N bulk strings).
			while (!frozen) {
				const command = /^\*(\d+)\r\n((?:\$\d+\r\n[^\r\n]*\r\n)*)/.exec(pending);
				if (!command || (command[2].match(/\$\d+\r\n/g) ?? []).length < Number(command[1])) return;
				const name = /^\$\d+\r\n([^\r\n]*)/.exec(command[2])?.[1].toUpperCase();
				pending = pending.slice(command[0].length);
				socket.write(name === 'INFO' ? `$${Buffer.byteLength(text)}\r\n${text}\r\n` : '+OK\r\n');
			}
		};
		answerAll.push(answer);
		socket.on('data', (chunk) => {
			pending += chunk.toString('latin1');
			answer();
		});
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	fake.port = (server.address() as net.AddressInfo).port;
	fake.close = async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return fake;
}
