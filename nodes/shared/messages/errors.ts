/** A message parameter Meta would reject. `field` is the parameter path, e.g. `buttons[1].title`. */
export class MessageValidationError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'MessageValidationError';
	}
}
