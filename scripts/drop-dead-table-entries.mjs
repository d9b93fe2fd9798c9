// Replaces, in the function table of a wasm module, every function that no
// `call_indirect` could ever call, with a stub that traps, so that
// wasm-opt can then remove what only the table kept:
//   node scripts/drop-dead-table-entries.mjs <module.wasm> [--enable-<feature> ...]
// in place; the features are binaryen's flags, as wasm-opt is given them.
//
// Why: core's panics build their message's format arguments with a pointer
// to `<u32 as Display>::fmt`, which puts that function in the table, and
// with it core's integer formatting and padding (2 KB of code). The panic
// handler only traps and nothing in the module formats (`core::fmt::write`
// is not in it), so nothing can call them; but a function in the table is
// kept whatever calls it. A `call_indirect` checks the signature of what it
// calls, so a table entry whose signature no `call_indirect` of that table
// names is never called: replacing it changes nothing the module does.
// The replacement is made only when the table cannot be reached from
// outside the code either: not imported, not exported, and no
// `table.get`/`set`/`grow`/`copy`/`fill`/`init` of it. Anything else in
// the text not as expected fails the build (BENCHMARKS.md, "Size work").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [modulePath, ...FEATURES] = process.argv.slice(2);
const BIN = new URL('../node_modules/.bin/', import.meta.url).pathname;

function fail(why) {
  console.error(`drop-dead-table-entries: ${why} in ${modulePath}`);
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'dead-table-'));
try {
  const watPath = join(scratch, 'module.wat');
  execFileSync(join(BIN, 'wasm-dis'), [...FEATURES, modulePath, '-o', watPath]);
  let wat = readFileSync(watPath, 'utf8');

  const tables = [...wat.matchAll(/^ \(table \$(\S+) \d+(?: \d+)? funcref\)$/gm)].map((m) => m[1]);
  if (tables.length !== 1) fail(`expected one funcref table, found ${tables.length}`);
  const table = tables[0];
  const reached = new RegExp(
    `\\(export "[^"]*" \\(table \\$${table}\\)\\)|\\(import [^\\n]*\\(table \\$${table} |table\\.(?:get|set|grow|copy|fill|init|size) \\$${table}\\b`,
  );
  if (reached.test(wat)) fail(`the table $${table} can be reached other than by call_indirect`);

  // A signature as `params -> results`, from a type, function or import header.
  const signature = (text) => {
    const params = [...text.matchAll(/\(param (?:\$\S+ )?([^()]+)\)/g)].flatMap((m) => m[1].trim().split(/\s+/));
    const results = [...text.matchAll(/\(result ([^()]+)\)/g)].flatMap((m) => m[1].trim().split(/\s+/));
    return `${params.join(' ')} -> ${results.join(' ')}`;
  };
  const types = new Map([...wat.matchAll(/^ \(type \$(\S+) \(func((?: \((?:param|result)[^()]*\))*)\)\)$/gm)].map((m) => [m[1], signature(m[2])]));
  const called = new Set();
  for (const m of wat.matchAll(/call_indirect \$(\S+) \(type \$(\S+)\)/g)) {
    if (m[1] !== table) fail(`a call_indirect of another table, $${m[1]}`);
    if (!types.has(m[2])) fail(`call_indirect of an unknown type $${m[2]}`);
    called.add(types.get(m[2]));
  }
  const signatures = new Map();
  for (const m of wat.matchAll(/^ \(func \$(\S+)((?: \((?:param|result)[^()]*\))*)$/gm)) signatures.set(m[1], signature(m[2]));
  for (const m of wat.matchAll(/^ \(import "[^"]*" "[^"]*" \(func \$(\S+)((?: \((?:param|result)[^()]*\))*)\)\)$/gm)) {
    signatures.set(m[1], signature(m[2]));
  }

  const segments = [...wat.matchAll(/^ \(elem \$\S+ \(table \$(\S+)\) \(i32\.const \d+\) func((?: \$\S+)+)\)$/gm)];
  if (segments.length === 0 || segments.some((m) => m[1] !== table)) fail('no element segment of the table as expected');
  const stubs = new Map(); // signature -> stub name
  let replaced = 0;
  for (const segment of segments) {
    const names = segment[2].trim().split(' ').map((name) => name.slice(1));
    const kept = names.map((name) => {
      const sig = signatures.get(name);
      if (sig === undefined) fail(`no signature found for $${name}`);
      if (called.has(sig)) return name;
      replaced += 1;
      if (!stubs.has(sig)) stubs.set(sig, `dead_table_entry_${stubs.size}`);
      return stubs.get(sig);
    });
    wat = wat.replace(segment[0], segment[0].replace(segment[2], kept.map((name) => ` $${name}`).join('')));
  }
  const stubText = [...stubs].map(([sig, name]) => {
    const [params, results] = sig.split(' -> ');
    return ` (func $${name}${params ? ` (param ${params})` : ''}${results ? ` (result ${results})` : ''}\n  (unreachable)\n )\n`;
  });
  if (!/\n\)\s*$/.test(wat)) fail('no end of the module where expected');
  wat = wat.replace(/\n\)\s*$/, `\n${stubText.join('')})\n`);
  writeFileSync(watPath, wat);
  execFileSync(join(BIN, 'wasm-as'), [...FEATURES, watPath, '-o', modulePath]);
  console.log(`drop-dead-table-entries: ${replaced} table entries no call_indirect can reach replaced by ${stubs.size} stubs`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
