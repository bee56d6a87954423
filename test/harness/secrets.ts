/**
 * Leak detection for tests: look for the access token and app secret everywhere an error or output can carry
 * them (message, stack, description, cause chain, every own property, JSON, util.inspect with hidden fields, logs).
 */
import { inspect } from 'node:util';

export interface SecretSet {
	accessToken?: string;
	appSecret?: string;
	appId?: string;
}

/** The strings that must never appear, including the app token and URL-encoded forms. */
export function secretStrings(secrets: SecretSet): string[] {
	const out = new Set<string>();
	for (const value of [secrets.accessToken, secrets.appSecret]) {
		if (value) {
			out.add(value);
			out.add(encodeURIComponent(value));
		}
	}
	if (secrets.appId && secrets.appSecret) out.add(encodeURIComponent(`${secrets.appId}|${secrets.appSecret}`));
	return [...out];
}

function renderings(value: unknown): Array<[string, string]> {
	const views: Array<[string, string]> = [];
	const safe = (label: string, render: () => string) => {
		try {
			views.push([label, render()]);
		} catch (error) {
			views.push([label, `<render failed: ${String(error)}>`]);
		}
	};
	safe('String()', () => String(value));
	safe('JSON.stringify', () => JSON.stringify(value) ?? '');
	safe('util.inspect(showHidden)', () => inspect(value, { showHidden: true, depth: 10, getters: true }));
	if (value instanceof Error) {
		safe('message', () => value.message);
		safe('stack', () => value.stack ?? '');
		const seen = new Set<unknown>();
		let cause: unknown = (value as { cause?: unknown }).cause;
		let depth = 0;
		while (cause !== undefined && cause !== null && !seen.has(cause) && depth < 10) {
			seen.add(cause);
			const c = cause;
			safe(`cause[${depth}]`, () => inspect(c, { showHidden: true, depth: 10, getters: true }));
			cause = (c as { cause?: unknown }).cause;
			depth++;
		}
	}
	if (value !== null && typeof value === 'object') {
		for (const key of Object.getOwnPropertyNames(value)) {
			safe(`property ${key}`, () => {
				const inner = (value as Record<string, unknown>)[key];
				return typeof inner === 'string' ? inner : inspect(inner, { showHidden: true, depth: 10 });
			});
		}
	}
	return views;
}

/** Every place (by label) where one of the secrets shows up; empty when clean. */
export function findSecretLeaks(value: unknown, secrets: SecretSet): string[] {
	const needles = secretStrings(secrets);
	const leaks: string[] = [];
	for (const [label, text] of renderings(value)) {
		for (const needle of needles) {
			if (text.includes(needle)) leaks.push(`${label} contains ${needle.slice(0, 6)}…`);
		}
	}
	return leaks;
}

/** Captures everything written through console.* and process.stdout/stderr until `restore()`. */
export function captureOutput(): { text: () => string; restore: () => void } {
	const chunks: string[] = [];
	const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
	const originals = methods.map((m) => console[m]);
	methods.forEach((m) => {
		console[m] = (...args: unknown[]) => {
			chunks.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { showHidden: true, depth: 10 }))).join(' '));
		};
	});
	const stdoutWrite = process.stdout.write.bind(process.stdout);
	const stderrWrite = process.stderr.write.bind(process.stderr);
	const capture = (chunk: unknown) => {
		chunks.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
		return true;
	};
	process.stdout.write = capture as typeof process.stdout.write;
	process.stderr.write = capture as typeof process.stderr.write;
	return {
		text: () => chunks.join('\n'),
		restore: () => {
			methods.forEach((m, i) => {
				console[m] = originals[i];
			});
			process.stdout.write = stdoutWrite;
			process.stderr.write = stderrWrite;
		},
	};
}
