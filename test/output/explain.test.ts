import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { Output } from '../../src/output/output.js';
import { StdoutWriter } from '../../src/output/stdout.js';
import { printExplain } from '../../src/output/classify.js';
import { tempDir } from '../helpers.js';

describe('classify explain for people', () => {
  it('never writes the feed title or the labels raw to the terminal', () => {
    const file = path.join(tempDir(), 'out');
    const fd = fs.openSync(file, 'w+');
    const cfg = resolveConfig({ db: 'x.db' }, { env: {}, stdoutIsTTY: true, stderrIsTTY: false, columns: 80 });
    const out = new Output(cfg, new StdoutWriter(fd), { write: () => true });
    printExplain(out, {
      model: 'default',
      item: 7,
      title: 'Pwned \u001b]0;owned\u0007 \u001b[2J\u202eevil\u202c title',
      taught: 'Sp\u001b[31morts',
      label: 'Sp\u001b[31morts',
      confidence: 0.9,
      runnerUp: { label: 'Tech\u0007', confidence: 0.1 },
      margin: 1,
      bias: 0.5,
      towards: [{ text: 'goal', kind: 'word', weight: 0.5 }],
      away: [],
    });
    out.flush();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^item 7: Pwned evil title\nmodel "default": Sports \(confidence 0\.90\), runner-up Tech \(0\.10\)\n/);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});
