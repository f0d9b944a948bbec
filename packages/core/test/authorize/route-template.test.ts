import { describe, expect, it } from 'vitest';
import { fillRouteTemplate, routeTemplate } from '../../src/authorize/route-template.js';
import { ConfigurationError } from '../../src/errors.js';

describe('fillRouteTemplate', () => {
  it('fills every {name} placeholder from the route parameters', () => {
    expect(fillRouteTemplate('project-{id}', { id: '45c0' }, 'o')).toBe('project-45c0');
    expect(fillRouteTemplate('{org}:{id}', { org: 'acme', id: '7' }, 'o')).toBe('acme:7');
  });

  it('keeps other braces and strings without placeholders as they are', () => {
    expect(fillRouteTemplate('a{b-c}{', { b: 'x' }, 'o')).toBe('a{b-c}{');
    expect(fillRouteTemplate('read', undefined, 'o')).toBe('read');
  });

  it('keeps whitespace a caller sent: it matches nothing (a 403), it is no configuration error', () => {
    expect(fillRouteTemplate('project-{id}', { id: ' ' }, 'o')).toBe('project- ');
  });

  it.each([{}, undefined, { id: '' }, { id: 7 }, { ID: 'x' }])(
    'refuses a route without the parameter (%j), naming the origin, never a pass',
    (params) => {
      const fill = () => fillRouteTemplate('project-{id}', params, 'RequireScope');
      expect(fill).toThrow(ConfigurationError);
      expect(fill).toThrow("RequireScope: the route has no parameter 'id' for 'project-{id}'");
    },
  );
});

describe('routeTemplate', () => {
  it('checks the template once and fills it per call', () => {
    const fill = routeTemplate('project-{id}', 'fromRoute');
    expect(fill({ id: '1' })).toBe('project-1');
    expect(fill({ id: '2' })).toBe('project-2');
    expect(() => fill({})).toThrow("fromRoute: the route has no parameter 'id'");
  });

  it.each(['', '   ', 'project-X', 'project-{1d}', 5, undefined])('refuses the template %j', (template) => {
    expect(() => routeTemplate(template, 'fromRoute')).toThrow(
      'fromRoute: template must be a string with a {name} placeholder',
    );
  });
});
