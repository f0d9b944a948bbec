import { ConfigurationError } from '@m2m-auth/core';
import { Permissions, Public, Scopes } from '@m2m-auth/nest';
import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';

describe('@Scopes and @Permissions on a controller', () => {
  it.each([
    ['@Scopes', () => Scopes('project-45c0')],
    ['@Permissions', () => Permissions('AdministerClients')],
  ])("%s on a controller refuses a handler's @Public() when the class is defined", (name, declare) => {
    const define = () => {
      @Controller('scoped')
      @declare()
      class ScopedController {
        @Get('tables')
        tables() {
          return { ok: true };
        }

        @Get('health')
        @Public()
        health() {
          return { ok: true };
        }
      }
      return ScopedController;
    };
    expect(define).toThrow(ConfigurationError);
    expect(define).toThrow(
      `@Public() on ScopedController.health cannot open it: ${name} on its controller keeps every route of it protected`,
    );
  });

  it('a @Public() controller whose handler declares a requirement is no conflict', () => {
    const define = () => {
      @Controller('open')
      @Public()
      class OpenController {
        @Get('page')
        page() {
          return { ok: true };
        }

        @Get('admin')
        @Permissions('AdministerClients')
        admin() {
          return { ok: true };
        }
      }
      return OpenController;
    };
    expect(define).not.toThrow();
  });
});

describe('the metadata the guards read', () => {
  class TablesController {
    @Scopes(['a', 'b'], { mode: 'any' })
    list() {}

    @Public()
    health() {}
  }

  it('@Scopes stores the checked requirement; @Public() marks the handler', () => {
    const reflector = new Reflector();
    expect(reflector.get('m2m-auth:scopes', TablesController.prototype.list)).toEqual({
      kind: 'scope',
      values: ['a', 'b'],
      mode: 'any',
      origin: '@Scopes',
    });
    expect(reflector.get('m2m-auth:public', TablesController.prototype.health)).toBe(true);
  });
});
