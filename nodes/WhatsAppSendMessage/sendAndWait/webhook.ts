/** The resume URL's handler: the trigger posts the answer it took from the ledger; it becomes this node's output. */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerOutput, isResumeBody } from '../../shared/waits/answers';

export async function receiveAnswer(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = this.getBodyData();
	if (!isResumeBody(body)) {
		// Left waiting: only a WhatsApp Cloud Trigger's answer resumes it.
		this.getResponseObject().status(400).json({ error: 'Expected the answer a WhatsApp Cloud Trigger posts (waitId, messageId, responseType, reply)' });
		return { noWebhookResponse: true };
	}
	return { webhookResponse: { resumed: body.waitId }, workflowData: [[{ json: answerOutput(body) as never, pairedItem: { item: 0 } }]] };
}
