// Kept lists for telling a company's own network from a network that carries other people's
// traffic (the edge's `asOrganization`): well-known networks and the words their names use.
// Names are as organisationWords (accounts.ts) writes them: lower case, legal forms dropped.
// Two kinds: data centres, whose addresses are machines' (servers, link scanners, hosted
// VPN exits and virtual desktops), and the networks people reach the internet through.

/** How a kind of network is told by its name. */
export interface NetworkNames {
  /**
   * Well-known networks whose names the words below miss. A name that begins with one of
   * these is one: "Google LLC", "Amazon.com, Inc.", "Hetzner Online GmbH".
   */
  names: readonly string[];
  /** Words of a name that say it. Whole words only: "Cloudera" is a company, "Acme Cloud" is not. */
  words: ReadonlySet<string>;
  /** Two-word phrases with the same meaning. */
  phrases: readonly string[];
}

/**
 * Clouds and hosts. The big clouds are also employers, but most of their addresses are
 * servers and proxies, so their own staff count as machines too. The email security
 * gateways that open every link in a message run on their own networks.
 */
export const DATA_CENTRES: NetworkNames = {
  names: [
    "amazon", "aws", "google", "microsoft", "azure", "oracle cloud", "ibm cloud", "alibaba", "aliyun", "tencent",
    "huawei cloud", "digitalocean", "linode", "vultr", "choopa", "the constant company", "ovh", "hetzner", "scaleway",
    "contabo", "leaseweb", "rackspace", "ionos", "1and1", "godaddy", "hostinger", "namecheap", "hostgator", "bluehost",
    "dreamhost", "liquid web", "equinix", "kamatera", "upcloud", "hostwinds", "psychz", "quadranet", "colocrossing",
    "hivelocity", "oneprovider",
    // hosts that VPN services rent their exits from
    "datacamp", "m247", "packethub", "tefincom",
    // email security gateways
    "mimecast", "proofpoint", "barracuda",
  ],
  words: new Set(["hosting", "host", "hoster", "server", "servers", "vps", "cloud", "datacenter", "datacentre", "colocation"]),
  phrases: ["data center", "data centre"],
};

/**
 * Networks people reach the internet through: CDNs (whose relays, such as iCloud Private
 * Relay and Cloudflare WARP, carry people's browsing), web security proxies in front of a
 * company's staff, VPN services, ISPs and carriers. "network" is left out of the words:
 * "Palo Alto Networks" buys software. Brands that are also common words, such as Orange,
 * Sky or Free, are left out of the names: a company may share them.
 */
export const ACCESS_NETWORKS: NetworkNames = {
  names: [
    // CDNs
    "cloudflare", "akamai", "fastly", "edgecast", "limelight", "stackpath", "cdn77", "bunnyway",
    // web security proxies and VPN services
    "zscaler", "netskope", "forcepoint", "mullvad", "nordvpn", "expressvpn", "private internet access",
    // carriers and ISPs
    "att", "verizon", "comcast", "centurylink", "level 3", "windstream", "cogent", "zayo", "hurricane electric",
    "ntt", "kddi", "softbank", "vodafone", "movistar", "telmex", "telstra", "telus", "bell canada", "videotron",
    "virgin media", "talktalk", "swisscom", "kpn", "ziggo", "proximus", "telia", "telenor", "tele2", "iliad",
    "bouygues", "fastweb", "liberty global", "rostelecom", "megafon", "turkcell", "reliance jio", "bharti airtel",
    "airtel", "bsnl", "pldt", "singtel", "starhub", "chunghwa", "hinet", "china unicom", "china mobile", "viettel",
    "vnpt", "telkomsel", "indosat", "etisalat", "safaricom", "vodacom",
  ],
  words: new Set([
    "telecom", "telecoms", "telecommunication", "telecommunications", "telekom", "telecomunicacoes",
    "telecomunicaciones", "telecomunicazioni", "telco", "telephone", "telefonica", "broadband", "cable",
    "cablevision", "internet", "isp", "mobile", "mobility", "wireless", "cellular", "communications",
    "communication", "comms", "fiber", "fibre", "dsl", "satellite", "vpn", "proxy", "transit", "backbone",
  ]),
  phrases: ["service provider"],
};
