import type { AddressInfo } from 'node:net';

/**
 * The host to put in the issuer's URLs for the address it listens on. A wildcard address (`0.0.0.0`,
 * `::`) listens on every interface but names none, so URLs use the loopback address of its family.
 */
export function urlHost(address: Pick<AddressInfo, 'address' | 'family'>): string {
  if (address.family === 'IPv6') return address.address === '::' ? '[::1]' : `[${address.address}]`;
  return address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
}
