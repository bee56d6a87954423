import { Container } from '@n8n/di';
import { Cipher, Credentials, EncryptionKeyProxy, InstanceSettings, type KeyInfo } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsEncrypted,
	type ICredentialType,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

let keyProviderReady = false;

/** n8n's server registers a key provider at start; the harness uses the instance key (n8n's legacy descriptor). */
function ensureEncryptionKeyProvider(): void {
	if (keyProviderReady) return;
	const cipher = Container.get(Cipher);
	const { encryptionKey } = Container.get(InstanceSettings);
	const instanceKey: KeyInfo = {
		id: 'instance',
		value: cipher.encryptDEKWithInstanceKey(encryptionKey),
		algorithm: 'aes-256-cbc',
		format: 'no-prefix',
	};
	Container.get(EncryptionKeyProxy).setProvider({
		getActiveKey: async () => instanceKey,
		getKeyById: async (id) => (id === instanceKey.id ? instanceKey : null),
		getLegacyKey: async () => instanceKey,
	});
	keyProviderReady = true;
}

/**
 * A credentials helper as n8n's server has one: credentials are stored encrypted (n8n-core's `Credentials` with the
 * instance's encryption key) and decrypted on `getDecrypted`, with the credential type's defaults applied, so a
 * node sees exactly what it would in n8n. `authenticate` applies a generic `authenticate` block.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly stored = new Map<string, ICredentialsEncrypted>();

	/** How many times a node asked for decrypted credentials (tests can assert caching or laziness). */
	decryptCount = 0;

	constructor(private readonly credentialTypes: Record<string, ICredentialType>) {
		super();
		ensureEncryptionKeyProvider();
	}

	/** Encrypt and store `data` for `type` under id `${type}-id`. */
	async store(type: string, data: ICredentialDataDecryptedObject): Promise<INodeCredentialsDetails> {
		const details = { id: `${type}-id`, name: `${type} (test)` };
		const credentials = new Credentials(details, type);
		await credentials.setData(data);
		this.stored.set(type, credentials.getDataToSave());
		return details;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes[name]?.extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = this.credentialTypes[typeName];
		const options = requestOptions as IHttpRequestOptions;
		const auth = type?.authenticate;
		if (typeof auth === 'function') return await auth(credentials, options);
		if (auth && auth.type === 'generic') {
			const headers = { ...(options.headers ?? {}) } as Record<string, string>;
			for (const [name, template] of Object.entries(auth.properties.headers ?? {})) {
				headers[name] = String(template)
					.replace(/^=/, '')
					.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
			}
			return { ...options, headers };
		}
		return options;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const encrypted = this.stored.get(type);
		if (!encrypted) throw new Error(`No test credentials of type "${type}" were given to runWorkflow`);
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type, encrypted.data);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.decryptCount++;
		const credentials = (await this.getCredentials(nodeCredentials, type)) as Credentials;
		const data = await credentials.getData();
		const properties = this.getCredentialsProperties(type);
		if (properties.length === 0) return data;
		// As n8n does: fill defaults of fields the user never edited (returnDefaults = true).
		const withDefaults = NodeHelpers.getNodeParameters(properties, data as INodeParameters, true, false, null, null);
		return { ...data, ...(withDefaults as ICredentialDataDecryptedObject) };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return (this.credentialTypes[type]?.properties ?? []).filter((p) => p.type !== 'notice');
	}
}
