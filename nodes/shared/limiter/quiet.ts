/** Warnings and Bottleneck's teardown: never a crash, never a whole long message. */

/** An error as one short line for a warning (never the whole of a long message). */
export function describeError(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Bottleneck's disconnect/stop may throw, return a promise or return nothing: never let it surface. */
export function quietly(action: () => unknown): void {
	try {
		void Promise.resolve(action()).catch(() => undefined);
	} catch {
		// already stopped
	}
}
