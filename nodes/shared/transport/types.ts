/**
 * The contract between the nodes, the gate and the transport. The transport is the only code that talks HTTP.
 */

/** What the `whatsAppCloudApi` credential holds, as the nodes read it (`this.getCredentials('whatsAppCloudApi')`). */
export interface WhatsAppCredentials {
	accessToken: string;
	/** e.g. `v26.0`, or `newest` (the newest version in `apiVersions.ts`) */
	apiVersion: string;
	/** Graph base URL without version, e.g. `https://graph.facebook.com` or the simulator's `http://127.0.0.1:PORT`. */
	baseUrl: string;
	wabaId?: string;
	appId?: string;
	appSecret?: string;
	// Limits (the gate reads these; one credential = one set of limits).
	/**
	 * `automatic` (what Meta says of each number: 80, 1,000 or 20 mps; the default), `standard` (80 mps), `high`
	 * (1,000 mps), `businessApp` (20 mps) or `custom` (customMessagesPerSecond).
	 */
	throughputTier?: 'automatic' | 'standard' | 'high' | 'businessApp' | 'custom';
	customMessagesPerSecond?: number;
	/** Inbound messages the trigger receives take places in their number's sliding second (default true). */
	countInboundMessages?: boolean;
	/** 0 = read the count of registered numbers from the WABA. */
	registeredNumbers?: number;
	/** 0 = 1,800,000 × registered numbers. */
	hourlyCallBudget?: number;
	pairRateLimiting?: boolean;
	maxAttempts?: number;
	maxWaitSeconds?: number;
	retryAmbiguous?: boolean;
	/** Optional `redis://` (or `redis+cluster://`) URL; in n8n queue mode QUEUE_BULL_REDIS_* is used when empty. */
	redisUrl?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface GraphRequest {
	method: HttpMethod;
	/** Path after the version, starting with `/`: `/123/messages`. Ignored when `url` is set. */
	path?: string;
	/** An absolute URL (a media download URL Meta gave us); the bearer token is still sent. */
	url?: string;
	query?: Record<string, string | number | boolean | undefined>;
	/** JSON body, a FormData for multipart uploads, or a Buffer sent as it is (the Resumable Upload API's bytes). */
	body?: unknown;
	/** Headers besides the pack's own (Authorization, Accept, Content-Type are always the pack's): `file_offset`. */
	headers?: Record<string, string>;
	/** `stream` for media downloads (a Readable of the bytes, never all in memory), `arraybuffer` to have them all. Default `json`. */
	responseType?: 'json' | 'arraybuffer' | 'stream';
	/**
	 * Default: bearer token. `app` = `{app-id}|{app-secret}` app access token (subscriptions). `oauth`: the token as
	 * `Authorization: OAuth {token}`, the scheme Meta's Resumable Upload API documents for the bytes.
	 */
	auth?: 'bearer' | 'oauth' | 'app' | 'none';
	timeoutMs?: number;
}

/** Graph's paging object on an edge's answer. */
export interface GraphPaging {
	cursors?: { before?: string; after?: string };
	next?: string;
	previous?: string;
}

/** Parsed Meta usage headers (X-App-Usage, X-Business-Use-Case-Usage). */
export interface GraphUsage {
	appUsage?: { call_count?: number; total_cputime?: number; total_time?: number };
	businessUseCaseUsage?: Record<
		string,
		Array<{
			type?: string;
			call_count?: number;
			total_cputime?: number;
			total_time?: number;
			estimated_time_to_regain_access?: number;
		}>
	>;
	/** Largest `estimated_time_to_regain_access` in the headers, in minutes. */
	estimatedTimeToRegainAccessMinutes?: number;
}

export interface GraphResponse<T = unknown> {
	status: number;
	data: T;
	/** Only for arraybuffer and stream responses. */
	contentType?: string;
	usage: GraphUsage;
}

/**
 * How the gate reacts to a failure:
 * - throttled: 130429, 80007, 4, 131056, 131057, 2494100 (the gate waits and retries)
 * - transient: codes 2, 131000, 131016, HTTP 5xx with a code Meta's table does not list, network errors before the
 *   request was sent (retry with backoff)
 * - ambiguous: timeout or reset after the request may have reached Meta (no retry unless the user opts in)
 * - permanent: codes 1, 3, 131045, 133000 whatever the HTTP status, and everything else
 */
export type GraphErrorClass = 'throttled' | 'transient' | 'ambiguous' | 'permanent';
