// The Calendar, Sales, Activity, Briefings and Settings pages in a real
// browser (Debian's Chromium through playwright-core), against
// `chief serve --demo` started by e2e/run.sh. The tests run in order and
// share one signed-in browser context.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { fitsNarrow, snapshot, policyViolations, SNAPSHOT } from "./support.mjs";

const BASE = process.env.E2E_BASE_URL;
const KEY = process.env.E2E_API_KEY;
const EMAIL = process.env.E2E_EMAIL;
const PASSWORD = process.env.E2E_PASSWORD;
const PAGES = {
  "calendar-week": "/calendar",
  "calendar-month": "/calendar?view=month",
  sales: "/sales",
  activity: "/activity",
  briefings: "/briefings",
  settings: "/settings",
};

let browser, context, page, violations;

async function api(method, url, body, key = KEY) {
  const resp = await fetch(BASE + url, {
    method,
    headers: { "X-API-Key": key, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  return { status: resp.status, body: resp.status === 204 ? null : await resp.json() };
}

before(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  context = await browser.newContext();
  page = await context.newPage();
  violations = policyViolations(page);
  await page.goto(BASE + "/settings");
  assert.match(page.url(), /\/login\?next=%2Fsettings$/);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(BASE + "/settings");
});

after(async () => {
  await browser?.close();
});

test("the calendar switches between week and month and steps through time", async () => {
  await page.goto(BASE + "/calendar");
  await page.getByRole("heading", { name: /^Week of / }).waitFor();
  assert.equal(await page.locator(".cal-day").count(), 7);
  assert.equal(await page.locator(".cal-day.today").count(), 1);
  await page.getByRole("link", { name: "Month", exact: true }).click();
  await page.waitForURL(/view=month/);
  const days = await page.locator(".cal-day").count();
  assert.ok(days >= 28 && days % 7 === 0, `${days} days in the month view`);
  const month = await page.locator("#cal-title").textContent();
  await page.getByRole("link", { name: "Next month" }).click();
  assert.notEqual(await page.locator("#cal-title").textContent(), month);
  await page.getByRole("link", { name: "Previous month" }).click();
  assert.equal(await page.locator("#cal-title").textContent(), month);
  await page.getByRole("link", { name: "Week", exact: true }).click();
  await page.waitForURL(/view=week/);
  assert.equal(await page.locator(".cal-day").count(), 7);
  // The demo's events are this week or early next; one of the two views shows each.
  const week = await page.locator(".cal-week").textContent();
  await page.getByRole("link", { name: "Next week" }).click();
  const next = await page.locator(".cal-week").textContent();
  assert.ok((week + next).includes("Liberty renewal call"), "the demo's event is on the calendar");
});

test("a deal advances on the sales board", async () => {
  await page.goto(BASE + "/sales");
  const qualified = page.locator("#col-qualified");
  await qualified.getByRole("heading", { name: "Northwind pilot" }).waitFor();
  await page.getByRole("button", { name: /^Advance to Proposal\W+Northwind pilot$/ }).click();
  await page.waitForURL(BASE + "/sales");
  await page.locator("#col-proposal").getByRole("heading", { name: "Northwind pilot" }).waitFor();
  assert.equal(await qualified.getByRole("heading", { name: "Northwind pilot" }).count(), 0);
  const deals = await api("GET", "/api/sales");
  const items = deals.body.items ?? deals.body;
  assert.equal(items.find((d) => d.name === "Northwind pilot").stage, "proposal");
});

test("the activity log opens a trace", async () => {
  await page.goto(BASE + "/activity");
  await page.locator("#activity li").first().waitFor();
  await page.getByLabel("Entity").selectOption("sales_opportunity");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/entity_type=sales_opportunity/);
  await page.locator("#activity").getByText("sales.stage_changed").first().waitFor();
  await page.locator("#activity a.trace").first().click();
  await page.waitForURL(/\/activity\?trace=/);
  await page.getByRole("heading", { name: /^Trace / }).waitFor();
  await page.locator("#activity").getByText("sales.stage_changed").first().waitFor();
});

test("a briefing shows where it went and renders its Markdown", async () => {
  await page.goto(BASE + "/briefings");
  await page.getByText("Delivered to: dashboard").waitFor();
  await page.locator("#briefings a").first().click();
  await page.waitForURL(/\/briefings\/[0-9a-f-]+$/);
  await page.locator(".markdown h1").waitFor();
});

test("an API key made in settings is shown once and works", async () => {
  await page.goto(BASE + "/settings");
  await page.getByLabel("New key's name").fill("e2e laptop");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.locator("#new-key").inputValue();
  assert.match(secret, /^chief_/);
  const me = await api("GET", "/api/users/me", undefined, secret);
  assert.equal(me.status, 200);
  assert.equal(me.body.email, EMAIL);
  await page.goto(BASE + "/settings");
  await page.locator("#keys").getByText("e2e laptop").waitFor();
  assert.equal(await page.locator("#new-key").count(), 0);
  assert.ok(!(await page.content()).includes(secret), "the secret is not shown again");
});

test("the time zone refuses a bad name inline and saves a good one", async () => {
  await page.goto(BASE + "/settings");
  const tz = page.getByLabel("IANA time zone, such as Europe/Madrid");
  await tz.fill("Mars/Olympus");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await page.getByText("is not an IANA timezone").waitFor();
  assert.equal(await tz.inputValue(), "Mars/Olympus");
  await tz.fill("Europe/Madrid");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await page.waitForURL(/\/settings/);
  assert.equal(await page.getByLabel("IANA time zone, such as Europe/Madrid").inputValue(), "Europe/Madrid");
  const me = await api("GET", "/api/users/me");
  assert.equal(me.body.timezone, "Europe/Madrid");
  // Back to UTC for the other tests.
  await page.getByLabel("IANA time zone, such as Europe/Madrid").fill("UTC");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await page.waitForURL(/\/settings/);
});

test("the workspace pages fit a 375 px wide screen", async () => {
  await fitsNarrow(browser, context, PAGES);
});

test("each workspace page, light and dark: a screenshot and no serious accessibility violations", async () => {
  const found = [];
  for (const scheme of ["light", "dark"]) {
    const ctx = await browser.newContext({ ...SNAPSHOT, colorScheme: scheme, viewport: { width: 1280, height: 900 }, storageState: await context.storageState() });
    const p = await ctx.newPage();
    const all = { ...PAGES, "activity-trace": null, briefing: null };
    for (const [name, url] of Object.entries(all)) {
      if (name === "activity-trace") {
        await p.goto(BASE + "/activity");
        await p.locator("#activity a.trace").first().click();
        await p.waitForURL(/trace=/);
      } else if (name === "briefing") {
        await p.goto(BASE + "/briefings");
        await p.locator("#briefings a").first().click();
        await p.locator(".markdown").waitFor();
      } else {
        await p.goto(BASE + url);
      }
      found.push(...(await snapshot(p, name, scheme)));
    }
    await ctx.close();
  }
  assert.deepEqual(found, []);
});

test("no page broke its Content-Security-Policy", () => {
  assert.deepEqual(violations, []);
});
