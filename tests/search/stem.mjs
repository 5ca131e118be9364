// Stems words with the query script's Snowball stemmers (theme/stem.js), in Node.
// Usage: node tests/search/stem.mjs fr|en < words   (one word per line). Prints one
// stem per line, in the same order. tests/stemmer.rs compares them with the index's.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const context = vm.createContext({});
vm.runInContext(fs.readFileSync(path.join(here, "../../theme/stem.js"), "utf8"), context, { filename: "stem.js" });
const stem = context.gouvernailStem[process.argv[2]];
const words = fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
process.stdout.write(words.map((w) => stem(w)).join("\n") + "\n");
