// What the browser tests share: a page's screenshot with its axe-core
// check, and the 375 px width check. Not a test file itself (node --test
// runs only *.test.mjs here).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";

const BASE = process.env.E2E_BASE_URL;
const OUT = process.env.E2E_OUTPUT;
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// Saves a full-page screenshot of `p` as `<name>-<scheme>.png` and returns
// its serious and critical accessibility violations, one line each.
export async function snapshot(p, name, scheme) {
  await p.screenshot({ path: path.join(OUT, `${name}-${scheme}.png`), fullPage: true });
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${name} (${scheme}) ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

// Collects the Content-Security-Policy violations `p` reports, one line
// each. The pages keep to their policy (scripts and styles from files
// only), so each test file ends with none.
export function policyViolations(p) {
  const found = [];
  p.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) found.push(`${p.url()}: ${m.text()}`);
  });
  return found;
}

// The options of a context that takes screenshots with `snapshot`: axe-core
// goes into the page as an inline script, which the pages' policy refuses,
// so these contexts (and only these) bypass it.
export const SNAPSHOT = { bypassCSP: true };

// Opens each of `pages` ({name: url}) 375 px wide, signed in as `context`,
// asserts nothing is wider than the screen and saves `<name>-375.png`.
export async function fitsNarrow(browser, context, pages) {
  const narrow = await browser.newContext({ viewport: { width: 375, height: 740 }, storageState: await context.storageState() });
  const p = await narrow.newPage();
  for (const [name, url] of Object.entries(pages)) {
    await p.goto(BASE + url);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${name} is ${width}px wide at 375px`);
    await p.screenshot({ path: path.join(OUT, `${name}-375.png`), fullPage: true });
  }
  await narrow.close();
}
