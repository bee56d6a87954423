/** The template calls more than one operation makes. */
import type { IDataObject } from 'n8n-workflow';

import { forgetTemplateVariants } from '../../../shared/descriptions';
import type { WhatsAppCredentials } from '../../../shared/transport/types';
import { managementCall } from '../common';

/** What Get and Edit output of a template: its definition as Meta holds it. */
export const TEMPLATE_FIELDS = 'id,name,language,status,category,parameter_format,components';

export async function readTemplate(credentials: WhatsAppCredentials, templateId: string): Promise<IDataObject> {
	return managementCall<IDataObject>(credentials, { method: 'GET', path: `/${templateId}`, query: { fields: TEMPLATE_FIELDS } });
}

/** Send Message keeps template definitions a few minutes: a changed template is read again at its next send. */
export async function forgetTemplate(credentials: WhatsAppCredentials, name: unknown): Promise<void> {
	if (typeof name === 'string' && name) await forgetTemplateVariants(credentials, name);
}
