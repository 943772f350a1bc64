/** Credentials parsed from `Authorization: Basic …`. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/**
 * FE parsing (spec §1.1): split on one space, base64-decode, split at the first `:`;
 * a `user@cluster` keeps only the user. Returns null for missing or unparsable auth.
 */
export function parseBasicAuthFe(header: string | undefined): Credentials | null {
  if (!header) return null;
  const parts = header.split(' ');
  if (parts.length !== 2) return null;
  return decode(parts[1]!);
}

/** BE parsing: the header must start with exactly `Basic `. */
export function parseBasicAuthBe(header: string | undefined): Credentials | null {
  if (!header?.startsWith('Basic ')) return null;
  return decode(header.slice(6));
}

function decode(b64: string): Credentials | null {
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (text === '' || i < 0) return null;
  let user = text.slice(0, i);
  if (user.split('@').length === 2) user = user.slice(0, user.indexOf('@'));
  return { user, password: text.slice(i + 1) };
}

/** Users and passwords the emulator accepts. */
export class UserTable {
  readonly #users: Map<string, string>;

  constructor(users: Iterable<readonly [string, string]>) {
    this.#users = new Map(users);
  }
  check(c: Credentials | null): boolean {
    return c !== null && this.#users.has(c.user) && this.#users.get(c.user) === c.password;
  }
  password(user: string): string | undefined {
    return this.#users.get(user);
  }
  names(): string[] {
    return [...this.#users.keys()];
  }
}

/** The address of the peer without the IPv6-mapped prefix. */
export function remoteIp(addr: string | undefined): string {
  return (addr ?? '').replace(/^::ffff:/, '');
}
