/** A Redis Cluster's node list, as n8n's QUEUE_BULL_REDIS_CLUSTER_NODES and the credential's redis+cluster:// give it. */

export interface ClusterNode {
	host: string;
	port: number;
}

/** One `host:port` (an IPv6 host in brackets; 6379 when the port is left out); undefined when it is not one. */
function parseNode(text: string): ClusterNode | undefined {
	let parsed: URL;
	try {
		parsed = new URL(`redis://${text.trim()}`);
	} catch {
		return undefined;
	}
	if (!parsed.hostname || parsed.username || parsed.password || parsed.pathname.length > 1 || parsed.search || parsed.hash) return undefined;
	return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port ? Number(parsed.port) : 6379 };
}

/** A comma-separated `host:port` list; `where` names the field in the error, which never echoes the list. */
export function parseClusterNodes(list: string, where: string): ClusterNode[] {
	const entries = list.split(',').filter((entry) => entry.trim() !== '');
	const nodes = entries.map(parseNode);
	const bad = nodes.findIndex((node) => !node);
	if (entries.length === 0 || bad >= 0) {
		throw new Error(`${where} lists Redis Cluster nodes: node ${bad + 1} is not host:port (expected e.g. redis-1:6379,redis-2:6379)`);
	}
	return nodes as ClusterNode[];
}

/** `host:port`, an IPv6 host in brackets. */
export function clusterNodeName({ host, port }: ClusterNode): string {
	return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
