import { FieldError } from '../../shared/fieldError';

/** A parameter of the WhatsApp Business Account node Meta would refuse: `field` as the user sees it (nested as a path). */
export class ManagementInputError extends FieldError {}
