/**
 * One inbound benchmark server, run in its own process so that the load generator does not share its
 * event loop. Usage (forked by inbound.ts):
 * `inbound-server.ts <variant> <issuer> <audience> <jwksUri> [m2m-auth cacheSize]`.
 * Listens on 127.0.0.1:0, reports its port over IPC, and exits when the parent disconnects. For m2m-auth
 * it answers a `stats` message with the number of full verifications (signature checks) so far, counted
 * through the claim mapper, which runs on every cache miss and never on a hit.
 */
import type { AddressInfo } from 'node:net';
import { requireAuth } from '@m2m-auth/express';
import express, { type RequestHandler } from 'express';
import { auth as auth0 } from 'express-oauth2-jwt-bearer';
import { expressjwt } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';

const [variant, issuer, audience, jwksUri, cacheSizeArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string | undefined,
];
let verifications = 0;

function middleware(): RequestHandler[] {
  switch (variant) {
    case 'bare':
      return [];
    case 'm2m-auth':
      return [
        requireAuth({
          issuer,
          audience,
          ...(cacheSizeArg === undefined ? {} : { cacheSize: Number(cacheSizeArg) }),
          claims: () => {
            verifications++;
            return [];
          },
        }),
      ];
    case 'express-oauth2-jwt-bearer':
      return [auth0({ issuerBaseURL: issuer, audience, tokenSigningAlg: 'RS256' })];
    case 'express-jwt':
      return [
        expressjwt({
          secret: jwksRsa.expressJwtSecret({ jwksUri, cache: true, rateLimit: true }) as never,
          audience,
          issuer,
          algorithms: ['RS256'],
        }),
      ];
    case 'passport-jwt':
      passport.use(
        new JwtStrategy(
          {
            jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
            secretOrKeyProvider: jwksRsa.passportJwtSecret({ jwksUri, cache: true, rateLimit: true }),
            audience,
            issuer,
            algorithms: ['RS256'],
          },
          (payload: unknown, done: (err: unknown, user?: unknown) => void) => done(null, payload),
        ),
      );
      return [passport.initialize(), passport.authenticate('jwt', { session: false }) as RequestHandler];
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const app = express();
app.get('/v1/tables', ...middleware(), (_req, res) => {
  res.json({ tables: ['events', 'orders'] });
});
// Answer every library's errors quietly: the benchmark checks status codes, not logs.
app.use(((err: { status?: number }, _req, res, _next) => {
  res.status(err.status ?? 500).end();
}) as express.ErrorRequestHandler);
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: unknown) => {
  if (message === 'stats') process.send?.({ verifications });
});
process.on('disconnect', () => process.exit(0));
