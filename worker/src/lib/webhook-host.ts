/**
 * Where a webhook may point (docs/api.md#webhooks): never the worker itself, and in
 * production never an address that is not a public one: loopback, private, link-local,
 * shared (carrier NAT), benchmarking, documentation, multicast or reserved, in IPv4 or
 * in any IPv6 form that carries an IPv4 address (mapped, compatible, NAT64, 6to4,
 * Teredo). Otherwise a site's admin could make the edge call into networks it should
 * not reach. Local runs (`LOCAL_WEBHOOKS=allow`: npm start, the tests) may use loopback
 * receivers. A name is judged by its text: what it resolves to is not looked up.
 */

/** IPv4 ranges that are not public addresses (IANA's special-purpose registry), as [first octets, prefix length]. */
const NOT_PUBLIC_V4: ReadonlyArray<[number[], number]> = [
  [[0], 8], [[10], 8], [[100, 64], 10], [[127], 8], [[169, 254], 16], [[172, 16], 12], [[192, 0, 0], 24],
  [[192, 0, 2], 24], [[192, 88, 99], 24], [[192, 168], 16], [[198, 18], 15], [[198, 51, 100], 24],
  [[203, 0, 113], 24], [[224], 3],
];

/** IPv6 ranges that are not public addresses, as [first 16-bit groups, prefix length]; IPv4 carried inside is judged apart. */
const NOT_PUBLIC_V6: ReadonlyArray<[number[], number]> = [
  [[0x100, 0, 0, 0], 64], [[0x64, 0xff9b, 1], 48], [[0x2001, 0xdb8], 32], [[0x3fff], 20], [[0xfc00], 7],
  [[0xfe80], 10], [[0xfec0], 10], [[0xff00], 8],
];

/** An address's bits from `parts` of `width` bits each, as a bigint. */
const bitsOf = (parts: number[], width: number) => parts.reduce((n, part) => (n << BigInt(width)) | BigInt(part), 0n);

function inRange(address: number[], width: number, [first, prefix]: [number[], number]): boolean {
  const total = address.length * width;
  const start = bitsOf([...first, ...Array<number>(address.length - first.length).fill(0)], width);
  const shift = BigInt(total - prefix);
  return bitsOf(address, width) >> shift === start >> shift;
}

/** The four octets of a dotted IPv4 address (as the URL parser writes any IPv4 form), or null. */
function ipv4Of(host: string): number[] | null {
  const octets = host.split(".");
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return null;
  return octets.map(Number);
}

/** The eight groups of an IPv6 address as the URL parser writes it (hex, `::` for zeros), or null. */
function ipv6Of(host: string): number[] | null {
  const [head = "", tail] = host.split("::");
  const groups = (text: string) => (text ? text.split(":").map((g) => parseInt(g, 16)) : []);
  const [front, back] = [groups(head), groups(tail ?? "")];
  const zeros = 8 - front.length - back.length;
  if (tail === undefined ? zeros !== 0 : zeros < 1) return null;
  const address = [...front, ...Array<number>(tail === undefined ? 0 : zeros).fill(0), ...back];
  return address.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? address : null;
}

const octetsOf = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff];

/** The IPv4 address an IPv6 one carries, if it is of a form that carries one. */
function carriedV4(a: number[]): number[] | null {
  const zeroUpTo = (n: number) => a.slice(0, n).every((g) => g === 0);
  if (zeroUpTo(6)) return octetsOf(a[6]!, a[7]!); // compatible (::a.b.c.d), and :: and ::1 with it
  if (zeroUpTo(5) && a[5] === 0xffff) return octetsOf(a[6]!, a[7]!); // mapped
  if (a[0] === 0x64 && a[1] === 0xff9b && a.slice(2, 6).every((g) => g === 0)) return octetsOf(a[6]!, a[7]!); // NAT64
  if (a[0] === 0x2002) return octetsOf(a[1]!, a[2]!); // 6to4
  if (a[0] === 0x2001 && a[1] === 0) return octetsOf(a[6]! ^ 0xffff, a[7]! ^ 0xffff); // Teredo: the client, inverted
  return null;
}

const publicV4 = (octets: number[]) => !NOT_PUBLIC_V4.some((range) => inRange(octets, 8, range));

/** Whether a URL's hostname is anything but a public address or name. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  const v4 = ipv4Of(host);
  if (v4) return !publicV4(v4);
  if (!host.includes(":")) return false;
  const v6 = ipv6Of(host);
  if (!v6) return true;
  const carried = carriedV4(v6);
  return carried ? !publicV4(carried) : NOT_PUBLIC_V6.some((range) => inRange(v6, 16, range));
}

/** A host as it names a machine: lower case, without the trailing dot of a fully qualified name. */
const machineOf = (url: URL) => `${url.hostname.replace(/\.$/, "").toLowerCase()}:${url.port}`;

/**
 * Why a webhook URL may not be used from this worker, or null. `workerUrl` (a request's)
 * names the worker's own host; delivery, which has no request, passes null.
 */
export function webhookRefusal(url: string, workerUrl: string | null, localWebhooks: string | undefined): string | null {
  const target = new URL(url);
  if (workerUrl !== null && machineOf(target) === machineOf(new URL(workerUrl))) return "must not be this worker's own host";
  if (localWebhooks !== "allow" && isPrivateHost(target.hostname)) return "must be a public address (loopback and private addresses are refused in production)";
  return null;
}
