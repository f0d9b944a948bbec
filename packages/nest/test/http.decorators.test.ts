import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  InjectHttpClient,
  InjectTokenSource,
  getHttpClientToken,
  getTokenSourceToken,
} from '@m2m-auth/nest/http';
import { describe, expect, it } from 'vitest';

describe('injection tokens', () => {
  it('are namespaced per client name', () => {
    expect(getHttpClientToken()).toBe('M2M_AUTH:HTTP_CLIENT:default');
    expect(getHttpClientToken('tables')).toBe('M2M_AUTH:HTTP_CLIENT:tables');
    expect(getTokenSourceToken()).toBe('M2M_AUTH:TOKEN_SOURCE:default');
    expect(getTokenSourceToken('tables')).toBe('M2M_AUTH:TOKEN_SOURCE:tables');
  });
});

@Injectable()
class Consumer {
  constructor(
    @InjectHttpClient('tables') readonly tables: unknown,
    @InjectTokenSource('tables') readonly source: unknown,
    @InjectHttpClient() readonly fallback: unknown,
  ) {}
}

describe('InjectHttpClient and InjectTokenSource', () => {
  it('inject what is provided under the client’s tokens', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        Consumer,
        { provide: getHttpClientToken('tables'), useValue: 'tables client' },
        { provide: getTokenSourceToken('tables'), useValue: 'tables source' },
        { provide: getHttpClientToken(), useValue: 'default client' },
      ],
    }).compile();
    const consumer = moduleRef.get(Consumer);
    expect([consumer.tables, consumer.source, consumer.fallback]).toEqual([
      'tables client',
      'tables source',
      'default client',
    ]);
  });
});
