/** Reading a command-line choice for the benches and test scripts. */

/** `value` if it is one of `allowed`, the first of them when absent; anything else is refused, not read as the default. */
export function choiceOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
	if (value === undefined) return allowed[0];
	if ((allowed as readonly string[]).includes(value)) return value as T;
	throw new Error(`--${flag} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not "${value}"`);
}
