/**
 * The WhatsApp Business Account node's test setup, shared by its resource tests: one simulator per file (reset and
 * the management cache cleared before each test), and a one-node workflow run with the credential pointed at it.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWorkflow } from '../../../test/harness';
import { startSimulator } from '../../../test/simulator';
import type { Simulator } from '../../../test/simulator';
import { destroyGraphClients } from '../../shared/transport';
import { clearManagementCache } from '../../../test/support/testHooks';

export const PHONE = '300000000000001';
export const phoneNumberId = { __rl: true, mode: 'id', value: PHONE };

export interface AccountHarness {
	readonly sim: Simulator;
	/** `credential`: fields over the simulator's (e.g. the App ID); `inputItems`: the node's input. */
	run(parameters: INodeParameters, continueOnFail?: boolean, options?: { credential?: IDataObject; inputItems?: IDataObject[] }): ReturnType<typeof runWorkflow>;
}

/** Registers the file's hooks; the simulator exists from `beforeAll` on. */
export function accountHarness(resource: string): AccountHarness {
	let sim: Simulator | undefined;
	const current = (): Simulator => {
		if (!sim) throw new Error('the simulator starts in beforeAll');
		return sim;
	};
	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		destroyGraphClients();
		await current().stop();
	});
	beforeEach(() => {
		current().reset();
		clearManagementCache();
	});
	return {
		get sim() {
			return current();
		},
		run: (parameters, continueOnFail = false, options = {}) =>
			runWorkflow({
				nodes: [{ name: 'Account', type: 'whatsAppBusinessAccount', parameters: { resource, phoneNumberId, ...parameters }, continueOnFail }],
				credentials: { whatsAppCloudApi: { accessToken: current().fixture.accessToken, apiVersion: 'v26.0', baseUrl: current().url, wabaId: current().fixture.wabaId, ...options.credential } },
				inputItems: options.inputItems,
			}),
	};
}
