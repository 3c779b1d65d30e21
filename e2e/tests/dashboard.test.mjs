// The dashboard in a real browser (Debian's Chromium through
// playwright-core), against `chief serve --demo` started by e2e/run.sh.
// The tests run in order and share one signed-in browser context.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { fitsNarrow, snapshot, policyViolations, SNAPSHOT } from "./support.mjs";

const BASE = process.env.E2E_BASE_URL;
const KEY = process.env.E2E_API_KEY;
const EMAIL = process.env.E2E_EMAIL;
const PASSWORD = process.env.E2E_PASSWORD;
const PAGES = { dashboard: "/", tasks: "/tasks", questions: "/questions", drafts: "/drafts" };

let browser, context, page, violations;

async function api(method, url, body) {
  const resp = await fetch(BASE + url, {
    method,
    headers: { "X-API-Key": KEY, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  assert.ok(resp.ok, `${method} ${url}: ${resp.status}`);
  return resp.status === 204 ? null : resp.json();
}

async function login(p) {
  await p.goto(BASE + "/");
  assert.match(p.url(), /\/login\?next=%2F$/);
  await p.getByLabel("Email").fill(EMAIL);
  await p.getByLabel("Password").fill(PASSWORD);
  await p.getByRole("button", { name: "Log in" }).click();
  await p.waitForURL(BASE + "/");
}

before(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  context = await browser.newContext();
  page = await context.newPage();
  violations = policyViolations(page);
});

after(async () => {
  await browser?.close();
});

test("log in and come back to the page asked for", async () => {
  await page.goto(BASE + "/login");
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText("The email or password is wrong.").waitFor();
  assert.equal(await page.getByLabel("Email").inputValue(), EMAIL);
  await login(page);
  await page.getByRole("heading", { name: "Today's priorities" }).waitFor();
});

test("quick-add a task with a live preview and see it in the list", async () => {
  await page.goto(BASE + "/tasks");
  await page.keyboard.press("n");
  const box = page.locator("#quick-add-text");
  assert.equal(await page.evaluate(() => document.activeElement.id), "quick-add-text");
  await box.fill("Order e2e supplies tomorrow !2 #office");
  await page.locator("#preview").getByText("office").waitFor();
  await box.press("Enter");
  await page.waitForURL(/\/tasks\?open=/);
  await page.locator("#task-list").getByText("Order e2e supplies").waitFor();
});

test("answer a question and watch the blocked task unblock", async () => {
  const blocked = "Draft the Liberty renewal proposal";
  await page.goto(BASE + "/tasks?filter=blocked");
  await page.locator("#task-list").getByText(blocked).waitFor();
  await page.goto(BASE + "/");
  const question = page.locator("li.question", { hasText: "Which price tier" });
  await question.getByRole("textbox").fill("Gold, with Silver as the fallback");
  await question.getByRole("button", { name: "Answer" }).click();
  await page.getByText(`Unblocked: ${blocked}`).waitFor();
  await page.goto(BASE + "/tasks?filter=blocked");
  assert.equal(await page.locator("#task-list").getByText(blocked).count(), 0);
});

test("approve a draft and reject another with feedback", async () => {
  await page.goto(BASE + "/drafts");
  const approve = page.locator("article", { hasText: "Re: Liberty renewal" });
  await approve.getByRole("button", { name: "Approve" }).click();
  await page.waitForURL(BASE + "/drafts");
  assert.equal(await page.locator("article", { hasText: "Re: Liberty renewal" }).count(), 0);
  const reject = page.locator("article", { hasText: "Liberty: agenda for Thursday" });
  await reject.getByLabel("Feedback").fill("Add the pricing options to the agenda");
  await reject.getByRole("button", { name: "Reject with feedback" }).click();
  await page.waitForURL(BASE + "/drafts");
  assert.equal(await page.locator("article", { hasText: "Liberty: agenda for Thursday" }).count(), 0);
  const rejected = await api("GET", "/api/drafts?status=rejected");
  assert.ok(rejected.items.some((d) => d.feedback === "Add the pricing options to the agenda"));
  const approved = await api("GET", "/api/drafts?status=approved");
  assert.ok(approved.items.some((d) => d.subject === "Re: Liberty renewal"));
});

test("a change made through the API appears on an open page without a reload", async () => {
  await page.goto(BASE + "/tasks");
  await page.evaluate(() => { window.__notReloaded = true; });
  // Wait until the live stream is connected before changing anything.
  await page.locator("body[data-live-connected]").waitFor({ state: "attached" });
  await api("POST", "/api/tasks", { title: "Made through the API", priority: 1 });
  await page.locator("#task-list").getByText("Made through the API").waitFor({ timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__notReloaded), true);
});

test("pages fit a 375 px wide screen", async () => {
  await fitsNarrow(browser, context, PAGES);
});

test("every page, light and dark: a screenshot and no serious accessibility violations", async () => {
  for (const scheme of ["light", "dark"]) {
    const ctx = await browser.newContext({ ...SNAPSHOT, colorScheme: scheme, viewport: { width: 1280, height: 900 }, storageState: await context.storageState() });
    const p = await ctx.newPage();
    const all = { ...PAGES, "task-drawer": null, login: "/login" };
    for (const [name, url] of Object.entries(all)) {
      if (name === "task-drawer") {
        await p.goto(BASE + "/tasks");
        await p.locator("#task-list a").first().click();
        await p.locator("#drawer").waitFor();
      } else {
        await p.goto(BASE + url);
      }
      assert.deepEqual(await snapshot(p, name, scheme), []);
    }
    await ctx.close();
  }
});

test("no page broke its Content-Security-Policy", () => {
  assert.deepEqual(violations, []);
});
