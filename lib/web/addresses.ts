/**
 * Which IP addresses a fetch on a model's behalf may connect to: public
 * unicast only. Refused: loopback, private (RFC 1918), CGNAT, link-local
 * (which holds the cloud metadata address 169.254.169.254), "this network",
 * documentation, benchmarking, multicast and reserved ranges; for IPv6 the
 * same plus unique-local (fc00::/7, where fd00:ec2::254 lives), link-local,
 * and every form that embeds an IPv4 address (IPv4-mapped, NAT64, 6to4,
 * Teredo), so no IPv4 range can be reached through an IPv6 spelling.
 *
 * Cloud metadata and host services: AWS, GCP, Azure IMDS, DigitalOcean and
 * others at 169.254.169.254 (link-local), AWS's fd00:ec2::254 and GCP's
 * fd20:ce::254 (unique-local), Alibaba's 100.100.100.200 (CGNAT), Oracle's
 * 192.0.0.192 (IETF protocol assignments) all fall in refused ranges; Azure's
 * WireServer, 168.63.129.16, is a public address and is refused by name here.
 * Some are reached by name through the host's resolver (metadata.google.internal,
 * single-label "metadata", names under .internal and .local): refusedName.
 */
import { BlockList, isIP } from "node:net";

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (as IPv4-mapped), so ::ffff:0:0/96 in
// one shared list would refuse every IPv4 address.
const refused4 = new BlockList();
const refused6 = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
  ["168.63.129.16", 32], // Azure WireServer (host agent, metadata)
] as const)
  refused4.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["::", 96], // IPv4-compatible (deprecated)
  ["::ffff:0:0", 96], // IPv4-mapped
  ["64:ff9b::", 96], // NAT64
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001::", 32], // Teredo
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const)
  refused6.addSubnet(net, bits, "ipv6");

/** True when `ip` (a literal IPv4 or IPv6 address) is a public unicast address. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return family === 4 ? !refused4.check(ip, "ipv4") : !refused6.check(ip, "ipv6");
}

/** True for a loopback address (the only ones the test-only allowance opens). */
export function isLoopback(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith("127.");
  return ip === "::1";
}

// Suffixes that name hosts of a private network, never a public site: ICANN's .internal (GCP's
// metadata.google.internal, AWS's *.ec2.internal), mDNS and Kubernetes (.local), home networks.
const PRIVATE_SUFFIXES = [".internal", ".local", ".localdomain", ".home.arpa", ".lan", ".intranet"];
// Metadata services with a public-looking name.
const METADATA_NAMES = new Set(["metadata.goog", "metadata.tencentyun.com"]);

/**
 * True when the host name (not an IP literal) names a private or metadata host: a single label ("metadata",
 * "instance-data", searched in the host's own domains), a private suffix, or a known metadata name.
 */
export function isRefusedName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return false; // answered loopback, refused as such
  if (!name.includes(".")) return true;
  return METADATA_NAMES.has(name) || PRIVATE_SUFFIXES.some((s) => name.endsWith(s));
}
