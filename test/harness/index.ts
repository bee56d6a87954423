/**
 * Runs workflows through n8n-core's real `WorkflowExecute` with our node classes (from source, via ts-jest) and
 * credentials that are encrypted and decrypted for real, as n8n's own NodeTestHarness does, minus nock: calls go
 * over real HTTP to the simulator (or any server a test starts).
 *
 *   const result = await runWorkflow({
 *     nodes: [{ name: 'Probe', type: 'graphProbe', parameters: { phoneNumberId: '300000000000001' } }],
 *     credentials: { whatsAppCloudApi: { accessToken, apiVersion: 'v26.0', baseUrl: sim.url } },
 *     inputItems: [{ json: {} }],
 *   });
 *   result.outputs('Probe') // → [{ id: '300000000000001', … }]
 */
import './env';
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	NodeHelpers,
	Workflow,
	type ExecutionError,
	type IBinaryData,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestCredentialsHelper } from './credentialsHelper';
import { GraphProbe } from './GraphProbe.node';

export const PACKAGE_NAME = 'n8n-nodes-whatsapp-cloud';
const REPO_ROOT = resolve(__dirname, '..', '..');

type AnyNodeType = INodeType | IVersionedNodeType;

export interface WorkflowNodeInput {
	name: string;
	/** `graphProbe`, `whatsAppSendMessage` or the full `n8n-nodes-whatsapp-cloud.whatsAppSendMessage`. */
	type: string;
	parameters?: INodeParameters;
	typeVersion?: number;
	/** Defaults to every credential type the node declares that `runWorkflow` was given. */
	credentials?: INode['credentials'];
	continueOnFail?: boolean;
	onError?: INode['onError'];
	disabled?: boolean;
}

export interface RunWorkflowOptions {
	nodes: WorkflowNodeInput[];
	/** n8n's connections object; or omit and give `chain` to connect the nodes in order. */
	connections?: IConnections;
	/** Connect `nodes` one after the other (main output 0 → main input 0). Default when `connections` is omitted. */
	chain?: boolean;
	/** Decrypted credential data by credential type name, e.g. `{ whatsAppCloudApi: {...} }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Extra node types by name (added to ours and the test-only Graph Probe). */
	nodeTypes?: Record<string, AnyNodeType>;
	/** Extra credential types by name (added to ours), for extra node types that declare them. */
	credentialTypes?: Record<string, ICredentialType>;
	/** Items the first node receives, as if a manual trigger had produced them. Default: one empty item. */
	inputItems?: Array<INodeExecutionData | IDataObject>;
	/** Node to start from (default: the first node without an incoming connection). */
	startNode?: string;
	mode?: WorkflowExecuteMode;
	/**
	 * `memory` (default): binary data inline, as n8n's default mode; `filesystem`: files in a temp directory.
	 * Filesystem mode is process-wide once chosen: later runs in the same test file keep it.
	 */
	binaryMode?: 'memory' | 'filesystem';
	/** A waiting run's data to continue, as n8n's wait tracker does when the wait limit passes (same `nodes`). */
	resumeFrom?: IRunExecutionData;
}

export interface WorkflowRunResult {
	run: IRun;
	status: IRun['status'];
	/** Node names in the order they finished. */
	executionOrder: string[];
	/** The error that stopped the workflow, if any. */
	error?: ExecutionError;
	/** The full items of a node's output (json, binary, pairedItem). */
	items(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The json of each item of a node's output. */
	outputs(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	/** The error a node failed with, if it did. */
	nodeError(nodeName: string, runIndex?: number): ExecutionError | undefined;
	/** The bytes of a binary property of an output item. */
	binary(nodeName: string, itemIndex?: number, property?: string): Promise<Buffer>;
	credentialsHelper: TestCredentialsHelper;
}

// ---------------------------------------------------------------------------------------------------------------
// Node and credential types from source
// ---------------------------------------------------------------------------------------------------------------

interface PackageN8nBlock {
	n8n?: { nodes?: string[]; credentials?: string[] };
}

/** `dist/nodes/X/X.node.js` → `<repo>/nodes/X/X.node.ts` */
function sourceOf(distPath: string): string {
	return join(REPO_ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

function packageBlock(): PackageN8nBlock['n8n'] {
	const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageN8nBlock;
	return pkg.n8n ?? {};
}

function exportedInstances<T>(modulePath: string, isWanted: (value: unknown) => value is T): T[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exports = require(modulePath) as Record<string, unknown>;
	const found: T[] = [];
	for (const value of Object.values(exports)) {
		if (typeof value !== 'function') continue;
		try {
			const instance: unknown = new (value as new () => unknown)();
			if (isWanted(instance)) found.push(instance);
		} catch {
			// Not a no-argument class: not a node or credential type.
		}
	}
	return found;
}

const isNodeType = (v: unknown): v is AnyNodeType =>
	!!v && typeof v === 'object' && 'description' in v && typeof (v as { description?: { name?: unknown } }).description?.name === 'string';
const isCredentialType = (v: unknown): v is ICredentialType =>
	!!v && typeof v === 'object' && typeof (v as ICredentialType).name === 'string' && Array.isArray((v as ICredentialType).properties);

/** Nodes that exist in source but failed to load (a workflow using one gets this reason). */
const loadFailures = new Map<string, string>();
let cachedNodeTypes: Record<string, AnyNodeType> | undefined;
let cachedCredentialTypes: Record<string, ICredentialType> | undefined;

/** Our node types by `description.name` and by `n8n-nodes-whatsapp-cloud.<name>`, plus the Graph Probe. */
export function loadPackageNodeTypes(): Record<string, AnyNodeType> {
	if (cachedNodeTypes) return cachedNodeTypes;
	const types: Record<string, AnyNodeType> = {};
	const add = (type: AnyNodeType) => {
		types[type.description.name] = type;
		types[`${PACKAGE_NAME}.${type.description.name}`] = type;
	};
	for (const distPath of packageBlock()?.nodes ?? []) {
		const source = sourceOf(distPath);
		if (!existsSync(source)) continue;
		try {
			exportedInstances(source, isNodeType).forEach(add);
		} catch (error) {
			loadFailures.set(source, error instanceof Error ? error.message : String(error));
		}
	}
	add(new GraphProbe());
	cachedNodeTypes = types;
	return types;
}

/** Source files of package nodes that failed to load, with the reason (empty when all loaded). */
export function nodeLoadFailures(): Record<string, string> {
	loadPackageNodeTypes();
	return Object.fromEntries(loadFailures);
}

export function loadPackageCredentialTypes(): Record<string, ICredentialType> {
	if (cachedCredentialTypes) return cachedCredentialTypes;
	const types: Record<string, ICredentialType> = {};
	for (const distPath of packageBlock()?.credentials ?? []) {
		const source = sourceOf(distPath);
		if (!existsSync(source)) continue;
		exportedInstances(source, isCredentialType).forEach((type) => {
			types[type.name] = type;
		});
	}
	cachedCredentialTypes = types;
	return types;
}

class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, AnyNodeType>) {}

	getByName(nodeType: string): AnyNodeType {
		const type = this.types[nodeType];
		if (!type) {
			const failures = [...loadFailures.entries()].map(([file, reason]) => `${file}: ${reason}`).join('; ');
			throw new Error(`Unknown node type "${nodeType}"${failures ? ` (nodes that failed to load: ${failures})` : ''}`);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Binary data
// ---------------------------------------------------------------------------------------------------------------

let binaryModeReady: 'memory' | 'filesystem' | undefined;
let binaryStoragePath: string | undefined;

/**
 * Deletes the temp directory filesystem mode stored files in (call it in `afterAll` of a file that ran in filesystem
 * mode): a test that stores large files would otherwise leave them in the temp directory at every run.
 */
export function removeStoredBinaryData(): void {
	if (binaryStoragePath) rmSync(binaryStoragePath, { recursive: true, force: true });
	binaryStoragePath = undefined;
}

async function prepareBinaryData(mode: 'memory' | 'filesystem'): Promise<BinaryDataService> {
	const service = Container.get(BinaryDataService);
	if (mode === 'filesystem' && binaryModeReady !== 'filesystem') {
		const config = Container.get(BinaryDataConfig);
		config.mode = 'filesystem';
		binaryStoragePath = mkdtempSync(join(tmpdir(), 'wa-n8n-binary-'));
		config.localStoragePath = binaryStoragePath;
		await service.init();
	}
	// Memory mode: without init no storage manager exists, so n8n keeps binary data inline (base64) in the item.
	binaryModeReady = binaryModeReady === 'filesystem' ? 'filesystem' : mode;
	return service;
}

// ---------------------------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------------------------

function toItems(input: RunWorkflowOptions['inputItems']): INodeExecutionData[] {
	if (!input) return [{ json: {} }];
	return input.map((item) =>
		item && typeof item === 'object' && 'json' in item && typeof item.json === 'object'
			? (item as INodeExecutionData)
			: { json: item as IDataObject },
	);
}

function chainConnections(nodes: WorkflowNodeInput[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

let executionCounter = 0;

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const nodeTypesByName = { ...loadPackageNodeTypes(), ...(options.nodeTypes ?? {}) };
	const nodeTypes = new TestNodeTypes(nodeTypesByName);
	const credentialsHelper = new TestCredentialsHelper({ ...loadPackageCredentialTypes(), ...(options.credentialTypes ?? {}) });
	const credentialDetails: Record<string, { id: string; name: string }> = {};
	for (const [type, data] of Object.entries(options.credentials ?? {})) {
		credentialDetails[type] = (await credentialsHelper.store(type, data)) as { id: string; name: string };
	}
	const binaryDataService = await prepareBinaryData(options.binaryMode ?? 'memory');

	const nodes: INode[] = options.nodes.map((input, index) => {
		const type = nodeTypes.getByName(input.type);
		const latest = 'nodeVersions' in type ? type.currentVersion : Math.max(...[type.description.version].flat());
		const typeVersion = input.typeVersion ?? latest;
		const declared = nodeTypes.getByNameAndVersion(input.type, typeVersion).description.credentials ?? [];
		const credentials: INode['credentials'] = input.credentials ?? {};
		if (!input.credentials) {
			for (const { name } of declared) if (credentialDetails[name]) credentials[name] = credentialDetails[name];
		}
		return {
			id: `node-${index}`,
			name: input.name,
			type: input.type,
			typeVersion,
			position: [index * 200, 0],
			parameters: input.parameters ?? {},
			credentials,
			continueOnFail: input.continueOnFail,
			onError: input.onError ?? (input.continueOnFail ? 'continueRegularOutput' : undefined),
			disabled: input.disabled,
		};
	});
	const connections = options.connections ?? (options.chain === false ? {} : chainConnections(options.nodes));
	const workflow = new Workflow({ id: 'harness', name: 'Harness workflow', nodes, connections, nodeTypes, active: false, settings: {} });

	const targets = new Set(
		Object.values(connections).flatMap((byType) => Object.values(byType).flat(2).filter(Boolean).map((c) => c!.node)),
	);
	const startName = options.startNode ?? nodes.find((n) => !targets.has(n.name))?.name ?? nodes[0].name;
	const startNode = workflow.getNode(startName);
	if (!startNode) throw new Error(`Start node "${startName}" is not in the workflow`);

	const mode = options.mode ?? 'manual';
	const executionId = String(++executionCounter);
	const workflowData: IWorkflowBase = {
		id: 'harness',
		name: 'Harness workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes,
		connections,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName: string) => {
		executionOrder.push(nodeName);
	});

	const additionalData = {
		credentialsHelper,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not supported by the test harness');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => undefined,
		setExecutionStatus: () => undefined,
		sendDataToUI: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData: IRunExecutionData = options.resumeFrom ?? createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [toItems(options.inputItems)] }, source: null }],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const run = await workflowExecute.processRunExecutionData(workflow);
	const runData = run.data.resultData.runData;

	const items = (nodeName: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] => {
		const task = runData[nodeName]?.[runIndex];
		if (!task) {
			const ran = Object.keys(runData).join(', ') || 'none';
			throw new Error(`Node "${nodeName}" did not run (nodes that ran: ${ran})`);
		}
		return task.data?.main?.[outputIndex] ?? [];
	};
	return {
		run,
		status: run.status,
		executionOrder,
		error: run.data.resultData.error,
		items,
		outputs: (nodeName, outputIndex, runIndex) => items(nodeName, outputIndex, runIndex).map((item) => item.json),
		nodeError: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		binary: async (nodeName, itemIndex = 0, property = 'data') => {
			const binary: IBinaryData | undefined = items(nodeName)[itemIndex]?.binary?.[property];
			if (!binary) throw new Error(`Item ${itemIndex} of "${nodeName}" has no binary property "${property}"`);
			return await binaryDataService.getAsBuffer(binary);
		},
		credentialsHelper,
	};
}
