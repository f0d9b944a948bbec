import type { InternalAxiosRequestConfig } from 'axios';

/** axios' `beforeRedirect` hook (the Node adapter hands it to follow-redirects). */
export type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;

interface Wrapped {
  /** The hook of the user's config that ours calls first. */
  readonly user: RedirectHook | undefined;
  /** The `Authorization` value ours strips. */
  readonly credentials: string;
}

/** The origin of the next hop of a redirect, from follow-redirects' request options. */
export function redirectOrigin(options: Record<string, unknown>): string | undefined {
  try {
    if (typeof options.href === 'string') return new URL(options.href).origin;
    const protocol = options.protocol;
    const hostname = options.hostname;
    if (typeof protocol !== 'string' || typeof hostname !== 'string') return undefined;
    const raw = options.port;
    const port = typeof raw === 'number' || (typeof raw === 'string' && raw !== '') ? `:${raw}` : '';
    const host = hostname.includes(':') ? `[${hostname}]` : hostname;
    return new URL(`${protocol}//${host}${port}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a token from following a redirect to another origin, for one `attachTokens` call: the hooks it
 * makes, and the user's hooks they wrap.
 */
export class RedirectGuard {
  // Each redirect hook made here -> the user's own hook it wraps, and the credentials it strips.
  readonly #hooks = new WeakMap<RedirectHook, Wrapped>();

  /**
   * A redirect hook that strips `credentials` on a hop to another origin than `origin`, and calls the
   * user's own hook. A config that carries one of our hooks (a retry, or `error.config` sent again)
   * gets a new hook built around the user's original one, so the credentials compared are always those
   * sent now.
   */
  strip(origin: string, credentials: string, current: RedirectHook | undefined): RedirectHook {
    const user = current === undefined ? undefined : (this.#hooks.get(current)?.user ?? current);
    const hook: RedirectHook = (redirect, responseDetails, requestDetails) => {
      user?.(redirect, responseDetails, requestDetails);
      if (redirectOrigin(redirect) === origin) return;
      const headers = redirect.headers as Record<string, unknown> | undefined;
      if (!headers) return;
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === 'authorization' && headers[name] === credentials) delete headers[name];
      }
    };
    this.#hooks.set(hook, { user, credentials });
    return hook;
  }

  /**
   * A config made from one we handled (`error.config` sent again) to an origin that gets no token: the
   * header and hook we added are removed, so the old token does not travel with it.
   */
  forget(config: InternalAxiosRequestConfig): void {
    const current = config.beforeRedirect;
    const wrapped = current === undefined ? undefined : this.#hooks.get(current);
    if (wrapped === undefined) return;
    if (config.headers.get('Authorization') === wrapped.credentials) config.headers.delete('Authorization');
    config.beforeRedirect = wrapped.user;
  }
}
