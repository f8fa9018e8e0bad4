#!/usr/bin/env node
// `yishiting-eval`: the knowledge evaluator as an installed command (TypeScript source run through tsx).
import { register } from 'tsx/esm/api';

register();
await import('../eval.ts');
