/**
 * Which IP addresses a fetch on a model's behalf may connect to: public
 * unicast only. Refused: loopback, private (RFC 1918), CGNAT, link-local
 * (which holds the cloud metadata address 169.254.169.254), "this network",
 * documentation, benchmarking, multicast and reserved ranges; for IPv6 the
 * same plus unique-local (fc00::/7, where fd00:ec2::254 lives), link-local,
 * and every form that embeds an IPv4 address (IPv4-mapped, NAT64, 6to4,
 * Teredo), so no IPv4 range can be reached through an IPv6 spelling.
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
