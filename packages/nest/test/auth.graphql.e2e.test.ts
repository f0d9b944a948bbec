/**
 * Guards and `@Principal()` on GraphQL resolvers (Apollo on Express, schema-first), over real HTTP: the
 * token comes from the HTTP request in the GraphQL context; failures are GraphQL errors with
 * `extensions.code`, not HTTP exceptions.
 */
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { UseGuards } from '@nestjs/common';
import { Args, GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { M2mAuthGuard, M2mAuthModule, Principal, RequireScope, Scopes } from '@m2m-auth/nest';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, useProvider } from './support/transports.js';

const shared = useProvider();

@Resolver()
class TablesResolver {
  @Query('tables')
  @UseGuards(M2mAuthGuard)
  @Scopes('project-{projectId}')
  tables(@Args('projectId') projectId: string, @Principal('clientId') caller: string) {
    return { project: projectId, caller };
  }

  @Query('reports')
  @UseGuards(RequireScope('reports:daily'))
  reports() {
    return ['daily'];
  }
}

let app: INestApplication;
let url: string;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      M2mAuthModule.forRoot({ issuer: shared.op.issuer, audience: AUDIENCE }),
      GraphQLModule.forRoot<ApolloDriverConfig>({
        driver: ApolloDriver,
        typeDefs:
          'type Table { project: String!, caller: String }\ntype Query { tables(projectId: String!): Table, reports: [String!] }',
      }),
    ],
    providers: [TablesResolver],
  }).compile();
  app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
});

afterAll(async () => {
  await app?.close();
});

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

async function query(source: string, token?: string): Promise<GraphQLAnswer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: source }),
  });
  return (await res.json()) as GraphQLAnswer;
}

describe('GraphQL resolvers', () => {
  it('a valid token: the resolver runs, @Principal() is the caller, the template filled from the args', async () => {
    const answer = await query('{ tables(projectId: "45c0") { project caller } }', shared.token);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ tables: { project: '45c0', caller: 'MPS-test' } });
  });

  it('a missing token: an UNAUTHENTICATED GraphQL error, status 401 in extensions', async () => {
    const answer = await query('{ tables(projectId: "45c0") { project } }');
    expect(answer.data).toEqual({ tables: null });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({
      message: 'no bearer token',
      extensions: { code: 'UNAUTHENTICATED', status: 401, error: 'unauthorized' },
    });
  });

  it('a wrong scope: a FORBIDDEN GraphQL error naming the scope', async () => {
    const answer = await query('{ tables(projectId: "77aa") { project } }', shared.token);
    expect(answer.errors![0]).toMatchObject({
      message: 'missing scope project-77aa',
      extensions: { code: 'FORBIDDEN', status: 403, error: 'insufficient_scope' },
    });
  });

  it('a guard factory works on a resolver too', async () => {
    const answer = await query('{ reports }', shared.token);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('an invalid token: UNAUTHENTICATED, invalid_token', async () => {
    const answer = await query('{ tables(projectId: "45c0") { project } }', 'a.b.c');
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', error: 'invalid_token' });
  });
});
