/**
 * Redis Cluster hash slots (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#key-distribution-model):
 * a multi-key command or script must keep its keys in one slot, so calls over unrelated keys go one per slot.
 */

const SLOTS = 16384;

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
	let crc = 0;
	for (const byte of bytes) {
		crc ^= byte << 8;
		for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
	}
	return crc;
}

/** A key's slot: only its {hash tag} counts when it has a non-empty one. */
export function keySlot(key: string): number {
	const open = key.indexOf('{');
	const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
	const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
	return crc16(Buffer.from(hashed, 'utf8')) % SLOTS;
}

/** The keys' positions grouped by slot on a cluster client; one group of all of them on a single Redis. */
export function positionsBySlot(client: { isCluster?: boolean }, keys: readonly string[]): number[][] {
	if (!client.isCluster) return [keys.map((_key, index) => index)];
	const groups = new Map<number, number[]>();
	keys.forEach((key, index) => {
		const slot = keySlot(key);
		const group = groups.get(slot);
		if (group) group.push(index);
		else groups.set(slot, [index]);
	});
	return [...groups.values()];
}
