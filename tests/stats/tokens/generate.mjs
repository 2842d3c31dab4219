// Builds the token-count fixture: texts.jsonl (the texts) and expected.jsonl
// (tiktoken's counts for cl100k_base, o200k_base and r50k_base). Run through
// scripts/gen-token-fixtures, which feeds `stocktake extract --mode full` of
// ../shared/corpus/warc on stdin and names the extraction corpus folder.
//
// The texts are:
//   - extracted pages of the crawl corpus, round-robin over languages, each
//     cut to its first 6,000 bytes (at a character boundary);
//   - the raw HTML of extraction-corpus pages (CRLF, tabs, markup, scripts),
//     cut to 12,000 bytes, invalid UTF-8 decoded to U+FFFD;
//   - hand-made edge cases (below).
// Everything is deterministic: rerunning gives the same files.
import { get_encoding } from "tiktoken";
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";

const [extractionDir, outDir] = process.argv.slice(2);
const names = ["cl100k_base", "o200k_base", "r50k_base"];

function cut(text, maxBytes) {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}
const hash = (s) => createHash("sha256").update(s).digest("hex");

const texts = [];

// Crawl corpus pages, round-robin over languages.
const pages = readFileSync(0, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l))
  .filter((d) => d.text && d.text.length > 0);
const byLanguage = new Map();
for (const d of pages) {
  const lang = d.language || "none";
  if (!byLanguage.has(lang)) byLanguage.set(lang, []);
  byLanguage.get(lang).push(d);
}
for (const list of byLanguage.values()) list.sort((a, b) => hash(a.source + a.offset).localeCompare(hash(b.source + b.offset)));
const languages = [...byLanguage.keys()].sort();
let budget = 600_000;
for (let round = 0; budget > 0; round++) {
  let any = false;
  for (const lang of languages) {
    const d = byLanguage.get(lang)[round];
    if (!d || budget <= 0) continue;
    any = true;
    const text = cut(d.text, 6000);
    texts.push({ name: `page:${lang}:${path.basename(d.source)}@${d.offset}`, text });
    budget -= Buffer.byteLength(text, "utf8");
  }
  if (!any) break;
}

// Raw HTML of extraction-corpus pages.
if (extractionDir && existsSync(extractionDir)) {
  const dirs = readdirSync(extractionDir).filter((d) => existsSync(path.join(extractionDir, d, "source.html"))).sort();
  for (const d of dirs.filter((_, i) => i % 4 === 0)) {
    const raw = new TextDecoder("utf-8").decode(readFileSync(path.join(extractionDir, d, "source.html")));
    texts.push({ name: `html:${d}`, text: cut(raw, 12000) });
  }
}

// Hand-made edge cases.
const edge = {
  "empty": "",
  "one-space": " ",
  "one-newline": "\n",
  "spaces-1000": " ".repeat(1000),
  "spaces-then-word": " ".repeat(37) + "word",
  "newlines-500": "\n".repeat(500),
  "crlf-runs": "a\r\n\r\n\r\nb\r\r\nc\n\r\n \r\n\t\n  x",
  "mixed-whitespace": "a \t \u00a0 b\u3000\u3000c\u2028d\u2029e\u0085f\u000b\u000cg \n \n  h   ",
  "trailing-spaces": "end with spaces   ",
  "tabs-and-code": "def f(x):\n\treturn x  # comment\n\n\n\tif x:\n\t\tpass\n",
  "digits": "0 1 12 123 1234 12345 123456 1234567 3.14159 1,000,000 2024-11-22 +49 (0)30 1234567",
  "digits-long": "9".repeat(5000) + " " + "1234567890".repeat(300),
  "digits-unicode": "٠١٢٣٤٥٦٧٨٩ ۱۲۳ ०१२३ ０１２３ ²³¹ ½ ¾ Ⅻ ⅻ ① ⑳ 𝟘𝟙𝟚 ๑๒๓",
  "contractions": "I'm you're we've they'll he'd she's it's don't can't WON'T I'M YOU'RE We'Ve They'LL HE'D SHE'S 'ſ 'ſtop x'ſ 'S 'T 'Re 'rE 'lL 'Ll ''s '''",
  "apostrophes": "rock 'n' roll 'quoted' ' s ' t 'x 'e ’s ’re ‘quote’",
  "special-tokens": "<|endoftext|> text <|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|> <|im_start|>user",
  "emoji": "😀😃😄 👍🏽👍🏿 👨‍👩‍👧‍👦 🏳️‍🌈 🇫🇷🇩🇪🇯🇵 ❤️ ✈︎ 1️⃣ #️⃣ 🧑🏻‍💻 a😀b 😀😀😀😀😀😀😀😀",
  "combining-marks": "e\u0301 a\u0308\u0304 n\u0303 Z\u0351\u0352\u0357\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308a\u0301\u0302lgo \u0301start \u20dd\u20de ก\u0e33\u0e48 ह\u093f\u094d",
  "mixed-scripts": "English русский 中文 日本語のテキスト 한국어 العربية עברית ελληνικά हिन्दी ไทย Ελλάδα Москва東京Seoul서울",
  "rtl": "مرحبا بالعالم! هذا نص عربي مع أرقام ١٢٣ و 456. שלום עולם, זה טקסט בעברית.",
  "cjk-long": "我们的目标是测量网络上有多少可用的文本，并且每一个数字都可以追溯。".repeat(40),
  "japanese": "日本語の文章では、ひらがな・カタカナ・漢字が混在します。ｶﾀｶﾅ（半角）も。ーー々〆〇",
  "thai": "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ ซึ่งทำให้การตัดคำยากขึ้น",
  "case-runs": "HELLOworld helloWORLD HelloWorld ǅemal ǲ ǈ ÀÉÎÕÜ àéîõü ΣΊΣΥΦΟΣ ẞIG ß İstanbul ıi Ωmega ʰʲʷ ᴬᴮ",
  "long-word-ascii": "a".repeat(10000),
  "long-word-mixed": ("Supercalifragilistic" + "expialidocious").repeat(500),
  "long-punctuation": "!".repeat(3000) + "?.".repeat(1000) + "\n\n" + "-=".repeat(2000) + "\r\n",
  "long-url": "https://example.com/" + "path/".repeat(200) + "?q=" + "x".repeat(500) + "&y=1#frag",
  "slashes": "a/b//c///d ////\n/\n/ / http://x.y/z\r\n/ ",
  "replacement-chars": "bad \ufffd bytes \ufffd\ufffd\ufffd here\ufffdand\ufffd\n\ufffd",
  "zero-width": "zero\u200bwidth\u200cjoin\u200dnon\u2060joiner\ufeffbom\u00adsoft",
  "json": '{"key": "value", "list": [1, 2.5, -3e10, true, null], "nested": {"a": "b\\n"}}',
  "base64": Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) % 256)).toString("base64"),
  "control-chars": "a\u0001b\u0002c\u001fd\u007fe\u0000f \u0007 \u001b[0m",
  "supplementary-letters": "𝐀𝐁𝐂 𝑎𝑏𝑐 𠀀𠀁𠀂 𐐀𐐨 𝔸𝕓 𓀀𓀁",
  "mark-after-space": " \u0301\u0301abc \u0300x \t\u0308y",
  "lm-lo-mixes": "ʰello ʰELLO Aʰb 中a a中 Aー aー ー本 々A",
  "newline-punct": "end.\n\nNext?\r\n!\n\n\n...\n",
  "space-before-newline": "a \nb  \n\nc \t\n d",
  // Unicode 15.1/16 letters, digits and marks (Garay, Kirat Rai, CJK Ext. I,
  // Latin additions) that tiktoken knows and ICU 72 does not.
  "unicode-16": "\u{10D50}\u{10D70}\u{10D71}'s \u{10D40}\u{10D41}123 a\u0897b \u1C89\u1C8Axy \u{16D70}\u{16D71}\u{16D72}\u{16D73} " +
    "\u{2EBF0}\u{2EBF1}\u{2EBF2}'ll \uA7CB\uA7CDabc \u{1E5F1}\u{1E5F2}\u{1E5F3}\u{1E5F4}x \u{105C0}\u{105C1}",
  // Unicode 17 characters: tiktoken (Unicode 16) treats them as symbols.
  "unicode-17": "\u088F's \u0C5Cabc \u{329EF}\u{329F0}'s \u{33477}\u{33478}123 a\u1ACFb",
};
for (const [name, text] of Object.entries(edge)) texts.push({ name: `edge:${name}`, text });

const encs = names.map((n) => get_encoding(n));
const expected = texts.map((t) => {
  const row = { name: t.name, bytes: Buffer.byteLength(t.text, "utf8") };
  names.forEach((n, i) => { row[n] = encs[i].encode_ordinary(t.text).length; });
  return row;
});
encs.forEach((e) => e.free());

const pkg = JSON.parse(readFileSync(new URL("./node_modules/tiktoken/package.json", import.meta.url), "utf8"));
writeFileSync(path.join(outDir, "texts.jsonl"), texts.map((t) => JSON.stringify(t)).join("\n") + "\n");
writeFileSync(path.join(outDir, "expected.jsonl"),
  [JSON.stringify({ generator: `tiktoken ${pkg.version} (npm) encode_ordinary`, texts: texts.length })]
    .concat(expected.map((e) => JSON.stringify(e))).join("\n") + "\n");
console.error(`wrote ${texts.length} texts`);
