// `inkzee config`: the settings as a table for people, or one NDJSON record per setting.
import type { Output } from './output.js';
import type { ConfigReport, SettingSource } from '../config.js';
import { renderTable } from './table.js';

/** sourceText words a source for the table: `--db`, `env INKZEE_TIMEOUT`, `file PATH:LINE`, `default`. */
export function sourceText(s: SettingSource): string {
  if (s.kind === 'flag') return s.flag;
  if (s.kind === 'env') return `env ${s.variable}`;
  if (s.kind === 'file') return `file ${s.file}:${s.line}`;
  return 'default';
}

function sourceFields(s: SettingSource): object {
  if (s.kind === 'flag') return { source: 'flag', flag: s.flag };
  if (s.kind === 'env') return { source: 'env', variable: s.variable };
  if (s.kind === 'file') return { source: 'file', file: s.file, line: s.line };
  return { source: 'default' };
}

/** printConfig shows which file was read and every setting with its source. */
export function printConfig(out: Output, r: ConfigReport): void {
  if (out.cfg.json) {
    out.record({ type: 'config-file', path: r.file.path, from: r.file.from, found: r.file.found });
    for (const s of r.settings) out.record({ type: 'setting', key: s.key, value: s.value, ...sourceFields(s.source) });
    return;
  }
  out.line(r.file.found ? `config file: ${r.file.path}` : `config file: none (looked for ${r.file.path})`);
  for (const l of renderTable(
    r.settings,
    [
      { header: 'KEY', cell: (s) => s.key },
      // A setting left to each command (private networks) shows what that means; no hook on new items is "none".
      {
        header: 'VALUE',
        cell: (s) => (s.value !== null ? String(s.value) : s.key === 'on-new-items' ? 'none' : 'allow (worker: deny)'),
        shrink: true,
      },
      { header: 'SOURCE', cell: (s) => sourceText(s.source), flex: true },
    ],
    out.cfg.stdoutIsTTY ? out.cfg.columns : undefined,
  ))
    out.line(l);
}

/** printConfigPath prints the config file's path alone (for `$EDITOR "$(inkzee config --path)"`). */
export function printConfigPath(out: Output, file: ConfigReport['file']): void {
  if (out.cfg.json) out.record({ type: 'config-file', path: file.path, from: file.from, found: file.found });
  else out.line(file.path);
}
