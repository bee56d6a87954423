import { FieldError } from '../fieldError';

/**
 * A message parameter Meta would reject. `field` is the parameter path, e.g. `buttons[1].title` (the node shows its
 * display name); the message is the problem alone, as builders are also used outside a node.
 */
export class MessageValidationError extends FieldError {
	declare readonly field: string;

	constructor(field: string, problem: string, hint?: string) {
		super(field, problem, hint, problem);
	}
}
