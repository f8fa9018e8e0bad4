import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ENV_NAMES } from '../../src/config/config.js';

describe('README configuration table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));

  it('when the code reads a variable, then the README table documents it', () => {
    expect(ENV_NAMES.filter((name) => !documented.has(name))).to.deep.equal([]);
  });

  it('when the README table documents a variable, then the code reads it', () => {
    expect([...documented].filter((name) => !ENV_NAMES.includes(name as string))).to.deep.equal([]);
  });
});
