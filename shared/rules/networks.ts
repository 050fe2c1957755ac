// Kept lists for telling a company's own network from a network that carries other people's
// traffic (the edge's `asOrganization`): well-known networks and the words their names use.
// Names are as organisationWords (accounts.ts) writes them: lower case, legal forms dropped.

/**
 * Clouds, hosts, CDNs, security proxies, VPN exits, ISPs and carriers whose names the
 * keywords below miss. A name that begins with one of these is a network: "Google LLC",
 * "Amazon.com, Inc.", "Hetzner Online GmbH". The big clouds are also employers, but most of
 * their addresses are servers and proxies, so their own staff count as anonymous too.
 */
export const NETWORK_NAMES: readonly string[] = [
  // clouds, hosting, CDNs
  "amazon", "aws", "google", "microsoft", "azure", "oracle cloud", "ibm cloud", "alibaba", "aliyun", "tencent",
  "huawei cloud", "cloudflare", "akamai", "fastly", "edgecast", "limelight", "stackpath", "cdn77", "bunnyway",
  "digitalocean", "linode", "vultr", "choopa", "the constant company", "ovh", "hetzner", "scaleway", "contabo",
  "leaseweb", "rackspace", "ionos", "1and1", "godaddy", "hostinger", "namecheap", "hostgator", "bluehost",
  "dreamhost", "liquid web", "equinix", "kamatera", "upcloud", "hostwinds", "psychz", "quadranet", "colocrossing",
  "hivelocity", "oneprovider",
  // security proxies and VPN exits
  "zscaler", "netskope", "forcepoint", "datacamp", "m247", "packethub", "mullvad", "nordvpn", "expressvpn",
  "private internet access", "tefincom",
  // carriers and ISPs whose names carry none of the words below (brands that are also
  // common words, such as Orange, Sky or Free, are left out: a company may share them)
  "att", "verizon", "comcast", "centurylink", "level 3", "windstream", "cogent", "zayo", "hurricane electric",
  "ntt", "kddi", "softbank", "vodafone", "movistar", "telmex", "telstra", "telus", "bell canada", "videotron",
  "virgin media", "talktalk", "swisscom", "kpn", "ziggo", "proximus", "telia", "telenor", "tele2", "iliad",
  "bouygues", "fastweb", "liberty global", "rostelecom", "megafon", "turkcell", "reliance jio", "bharti airtel",
  "airtel", "bsnl", "pldt", "singtel", "starhub", "chunghwa", "hinet", "china unicom", "china mobile", "viettel",
  "vnpt", "telkomsel", "indosat", "etisalat", "safaricom", "vodacom",
];

/**
 * Words of a name that say it carries other people's traffic: telecoms, cable and
 * broadband companies, hosts and clouds. Whole words only: "Cloudera" is a company,
 * "Acme Cloud" is not. "network" is left out: "Palo Alto Networks" buys software.
 */
export const NETWORK_WORDS: ReadonlySet<string> = new Set([
  "telecom", "telecoms", "telecommunication", "telecommunications", "telekom", "telecomunicacoes",
  "telecomunicaciones", "telecomunicazioni", "telco", "telephone", "telefonica", "broadband", "cable",
  "cablevision", "internet", "isp", "hosting", "host", "hoster", "server", "servers", "vps", "cloud",
  "datacenter", "datacentre", "colocation", "mobile", "mobility", "wireless", "cellular", "communications",
  "communication", "comms", "fiber", "fibre", "dsl", "satellite", "vpn", "proxy", "transit", "backbone",
]);

/** Two-word phrases with the same meaning. */
export const NETWORK_PHRASES: readonly string[] = ["data center", "data centre", "service provider"];
