/**
 * The secrets sweep's instruments: distinctive secrets, a scanner that renders a value every way it can reach a
 * person (message, stack, description, cause chain, hidden properties, JSON, util.inspect at depth 20), and a
 * recorder of every console line and every line n8n's logger (LoggerProxy and the DI `Logger`) is given.
 */
import { inspect } from 'node:util';
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import { LoggerProxy } from 'n8n-workflow';

import { findSecretLeaks } from '../harness/secrets';

/** Every secret the sweep plants, by name; each is unique enough that a hit is certain. */
export const SECRETS = {
	accessToken: 'EAAGsweep0ACCESS0TOKEN0q7Zt2Lm9Xc4Vb8Nw',
	appSecret: 'sweepAPPsecret0d41c9e7b2a8f6',
	expiredToken: 'EAAGsweep0EXPIRED0TOKEN0k3Jh6Pf1Rs5Wd',
	noAccessToken: 'EAAGsweep0NOACCESS0TOKEN0u8Ye2Ga7Qm4',
	invalidToken: 'EAAGsweep0INVALID0TOKEN0c5Hv9Tn3Bx6',
	wrongAppSecret: 'sweepWRONGsecret0a7e3f9c1d5b2',
	redisPassword: 'sweepRedisPassw0rd7c2e',
} as const;
export const APP_ID = '900000000000001';

/** Needles: each secret raw and URL-encoded, and the app tokens built from the app secrets. */
const NEEDLES: Array<[name: string, text: string]> = (() => {
	const list: Array<[string, string]> = [];
	for (const [name, value] of Object.entries(SECRETS)) {
		list.push([name, value]);
		if (encodeURIComponent(value) !== value) list.push([`${name} (URL-encoded)`, encodeURIComponent(value)]);
	}
	for (const secret of [SECRETS.appSecret, SECRETS.wrongAppSecret]) {
		list.push([`app token ${secret.slice(0, 10)}…`, `${APP_ID}|${secret}`]);
		list.push([`app token ${secret.slice(0, 10)}… (URL-encoded)`, encodeURIComponent(`${APP_ID}|${secret}`)]);
	}
	return list;
})();

function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, inner: unknown) => {
				if (inner && typeof inner === 'object') {
					if (seen.has(inner)) return '[circular]';
					seen.add(inner);
				}
				if (Buffer.isBuffer(inner)) return inner.toString('latin1');
				return inner;
			}) ?? ''
		);
	} catch (error) {
		return `<JSON failed: ${String(error)}>`;
	}
}

/** Every text form of a value a user, a log or an error report could show. */
function renderings(value: unknown): Array<[string, string]> {
	const views: Array<[string, string]> = [];
	const add = (label: string, render: () => unknown) => {
		try {
			const text = render();
			views.push([label, typeof text === 'string' ? text : safeJson(text)]);
		} catch (error) {
			views.push([label, `<render failed: ${String(error)}>`]);
		}
	};
	add('String()', () => String(value));
	add('JSON.stringify', () => safeJson(value));
	add('util.inspect(showHidden, depth 20)', () => inspect(value, { showHidden: true, depth: 20, getters: true, maxArrayLength: null, maxStringLength: null }));
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const field of ['message', 'description', 'stack', 'context', 'cause', 'errorResponse', 'response', 'request', 'config']) {
			if (field in record) add(field, () => (typeof record[field] === 'string' ? record[field] : inspect(record[field], { showHidden: true, depth: 20 })));
		}
		let cause: unknown = record.cause;
		for (let depth = 0; cause && depth < 10; depth++) {
			const current = cause as Record<string, unknown>;
			add(`cause[${depth}].message`, () => current.message);
			add(`cause[${depth}].stack`, () => current.stack);
			add(`cause[${depth}] JSON`, () => safeJson(current));
			cause = current.cause;
		}
	}
	return views;
}

/** Where (label: rendering) each planted secret shows up in `value`; empty when clean. */
export function leaksIn(label: string, value: unknown): string[] {
	const found = new Set<string>();
	for (const [view, text] of renderings(value)) {
		for (const [name, needle] of NEEDLES) if (text.includes(needle)) found.add(`${label} › ${view} holds ${name}`);
	}
	// The harness scanner walks own (non-enumerable too) properties one by one: a second opinion.
	for (const secret of [SECRETS.accessToken, SECRETS.expiredToken, SECRETS.noAccessToken, SECRETS.invalidToken]) {
		for (const hit of findSecretLeaks(value, { accessToken: secret })) found.add(`${label} › ${hit}`);
	}
	for (const secret of [SECRETS.appSecret, SECRETS.wrongAppSecret]) {
		for (const hit of findSecretLeaks(value, { appSecret: secret, appId: APP_ID })) found.add(`${label} › ${hit}`);
	}
	return [...found];
}

export interface LogRecorder {
	lines: string[];
	/** Every line recorded so far, scanned. */
	leaks(): string[];
	clear(): void;
	restore(): void;
}

/**
 * Records console.* and n8n's logger. n8n-core hands nodes `Container.get(Logger)` as `this.logger` and logs through
 * `LoggerProxy` itself; both are replaced by a recorder (the real Logger is built first so it cannot re-init the proxy).
 */
export function recordLogs(): LogRecorder {
	const lines: string[] = [];
	const render = (args: unknown[]) =>
		args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { showHidden: true, depth: 20 }))).join(' ');
	const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			lines.push(`console.${method}: ${render(args)}`);
		}),
	);
	const recorder = (level: string) => (message: unknown, meta?: unknown) => {
		lines.push(`logger.${level}: ${render(meta === undefined ? [message] : [message, meta])}`);
	};
	const spyLogger = {
		error: recorder('error'),
		warn: recorder('warn'),
		info: recorder('info'),
		debug: recorder('debug'),
		scoped() {
			return spyLogger;
		},
	};
	try {
		Container.get(Logger);
	} catch {
		// No real logger can be built here: the recorder stands in all the same.
	}
	Container.set(Logger, spyLogger as unknown as Logger);
	LoggerProxy.init(spyLogger as unknown as Parameters<typeof LoggerProxy.init>[0]);
	return {
		lines,
		leaks: () => lines.flatMap((line, index) => leaksIn(`log line ${index + 1}`, line)),
		clear: () => {
			lines.length = 0;
		},
		restore: () => spies.forEach((spy) => spy.mockRestore()),
	};
}

/** The simulator's request log (no Authorization header: anything found there went in a URL, header or body). */
export function requestLeaks(requests: unknown[]): string[] {
	return requests.flatMap((entry, index) => leaksIn(`simulator request ${index + 1}`, safeJson(entry)));
}
