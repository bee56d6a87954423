import type { IDataObject, INodeExecutionData, INodeParameters, ResourceMapperValue } from 'n8n-workflow';

import { runWorkflow, type WorkflowRunResult } from '../../../test/harness';
import { destroyGraphClients } from '../../shared/transport';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { clearManagementCache } from '../../../test/support/testHooks';

export const STANDARD_NUMBER = '300000000000001';
export const HIGH_NUMBER = '300000000000002';

export function credentialsFor(sim: Simulator, overrides: IDataObject = {}) {
	return {
		whatsAppCloudApi: {
			accessToken: sim.fixture.accessToken,
			apiVersion: 'v26.0',
			baseUrl: sim.url,
			wabaId: sim.fixture.wabaId,
			appId: sim.fixture.appId,
			appSecret: sim.fixture.appSecret,
			...overrides,
		},
	};
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** Runs one Send Message node over the items given. */
export async function send(
	sim: Simulator,
	parameters: INodeParameters,
	options: { inputItems?: Array<INodeExecutionData | IDataObject>; continueOnFail?: boolean; credentials?: IDataObject } = {},
): Promise<WorkflowRunResult> {
	return runWorkflow({
		nodes: [
			{
				name: 'Send',
				type: 'whatsAppSendMessage',
				parameters: { phoneNumberId: byId(STANDARD_NUMBER), recipient: '+1 (650) 555-1234', ...parameters },
				continueOnFail: options.continueOnFail,
			},
		],
		credentials: credentialsFor(sim, options.credentials),
		inputItems: options.inputItems,
	});
}

/** Requests that reached the simulator's messages endpoint. */
export function messageCalls(sim: Simulator): number {
	return sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/messages')).length;
}

/**
 * Starts a simulator for the file's tests (handed to `set`), resets it and forgets kept template definitions after each
 * test (then runs `afterEachTest`), stops it at the end.
 */
export function withSimulator(set: (sim: Simulator) => void, afterEachTest?: () => void): void {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
		set(sim);
	});
	afterEach(() => {
		sim.reset();
		clearManagementCache();
		afterEachTest?.();
	});
	afterAll(async () => {
		destroyGraphClients();
		await sim.stop();
	});
}

/** A template's fields as the editor's resource mapper stores them ("Define Below", every value a string). */
export const templateFields = (value: IDataObject): ResourceMapperValue => ({
	mappingMode: 'defineBelow',
	value: value as ResourceMapperValue['value'],
	matchingColumns: [],
	schema: Object.keys(value).map((id) => ({ id, displayName: id, required: true, defaultMatch: false, display: true, type: 'string' as const, canBeUsedToMatch: false })),
	attemptToConvertTypes: false,
	convertFieldsToString: true,
});
