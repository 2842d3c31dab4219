// Reference counts from the npm `tiktoken` package (OpenAI's Rust core built
// to WebAssembly). Reads JSON lines with a `text` field (and any other
// fields) on stdin or from the file named by the first argument; writes the
// same lines with `cl100k_base`, `o200k_base` and `r50k_base` counts added,
// from encode_ordinary (special-token strings count as plain text).
//
//   node count.mjs texts.jsonl > counts.jsonl
//   node count.mjs --bench texts.jsonl    # MB/s per encoding, one thread
import { get_encoding } from "tiktoken";
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const bench = args[0] === "--bench";
if (bench) args.shift();
const input = readFileSync(args.length ? args[0] : 0, "utf8");
const lines = input.split("\n").filter((l) => l.trim() !== "");
const docs = lines.map((l) => JSON.parse(l));
const names = ["cl100k_base", "o200k_base", "r50k_base"];

if (bench) {
  const bytes = docs.reduce((sum, d) => sum + Buffer.byteLength(d.text, "utf8"), 0);
  const repeat = Number(process.env.REPEAT || 3);
  for (const name of names) {
    const enc = get_encoding(name);
    let best = Infinity;
    let tokens = 0;
    for (let r = 0; r < repeat; r++) {
      const start = process.hrtime.bigint();
      tokens = 0;
      for (const d of docs) tokens += enc.encode_ordinary(d.text).length;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      best = Math.min(best, seconds);
    }
    enc.free();
    console.log(`${name}\t${tokens}\t${bytes}\t${best.toFixed(3)}\t${(bytes / best / 1e6).toFixed(2)}`);
  }
} else {
  const encs = names.map((n) => get_encoding(n));
  for (const d of docs) {
    const out = { ...d };
    names.forEach((n, i) => { out[n] = encs[i].encode_ordinary(d.text).length; });
    delete out.text;
    process.stdout.write(JSON.stringify(out) + "\n");
  }
  encs.forEach((e) => e.free());
}
