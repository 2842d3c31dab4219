// Which character class tiktoken's split patterns give each non-ASCII code
// point, observed through token counts (tiktoken's regex tables follow the
// Unicode version of its Rust regex crate, which can be newer than ICU's):
//   cl100k "X's":  +1 token after X if X is \p{L} or \p{N}, +2 otherwise
//   cl100k "X123": +2 if X is \p{N} (X12|3), +1 otherwise (X|123)
//   o200k  "X's":  +1 if X is a letter, number or mark, +2 otherwise
// Prints one line per code point: hex, then L (letter), N (number),
// M (mark), O (other) or ? (counts fit no class), with node's own
// General_Category for reference. Used by scripts/gen-unicode-delta.
import { get_encoding } from "tiktoken";
const cl = get_encoding("cl100k_base");
const o2 = get_encoding("o200k_base");
const n = (enc, s) => enc.encode_ordinary(s).length;
const cats = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"];
const re = Object.fromEntries(cats.map((c) => [c, new RegExp(`^\\p{${c}}$`, "u")]));
const out = [];
for (let cp = 0x80; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const x = String.fromCodePoint(cp);
  if (/^\s$/u.test(x) || /^\p{White_Space}$/u.test(x)) continue;
  const t = n(cl, x), t2 = n(o2, x);
  const a = n(cl, x + "'s") - t, b = n(cl, x + "123") - t, c = n(o2, x + "'s") - t2;
  let k = "?";
  if (a === 1 && b === 1 && c === 1) k = "L";
  else if (a === 1 && b === 2 && c === 1) k = "N";
  else if (a === 2 && b === 1 && c === 1) k = "M";
  else if (a === 2 && b === 1 && c === 2) k = "O";
  const gc = cats.find((g) => re[g].test(x)) || "-";
  out.push(`${cp.toString(16)}\t${k}\t${gc}`);
  if (out.length >= 65536) { process.stdout.write(out.join("\n") + "\n"); out.length = 0; }
}
process.stdout.write(out.join("\n") + "\n");
cl.free(); o2.free();
