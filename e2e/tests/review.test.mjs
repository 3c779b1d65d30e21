// The review pages in a real browser: Projects, People, Playbooks and
// Knowledge, against the demo workspace of `chief serve --demo` started by
// e2e/run.sh. The tests run in order and share one signed-in context.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { chromium } from "playwright-core";
import { snapshot, policyViolations, SNAPSHOT } from "./support.mjs";

const BASE = process.env.E2E_BASE_URL;
const KEY = process.env.E2E_API_KEY;
const OUT = process.env.E2E_OUTPUT;

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

async function byName(kind, name) {
  const found = await api("GET", `/api/${kind}?q=${encodeURIComponent(name)}`);
  const hit = found.items.find((x) => x.name === name);
  assert.ok(hit, `${kind} ${name} is in the demo`);
  return hit;
}

before(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  context = await browser.newContext();
  page = await context.newPage();
  violations = policyViolations(page);
  await page.goto(BASE + "/playbooks");
  await page.getByLabel("Email").fill(process.env.E2E_EMAIL);
  await page.getByLabel("Password").fill(process.env.E2E_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(BASE + "/playbooks");
});

after(async () => {
  await browser?.close();
});

test("approve a proposed playbook and mark it must-consult", async () => {
  const proposed = page.locator("#shelf-proposed li", { hasText: "Renewal prep" });
  await proposed.getByRole("button", { name: "Approve Renewal prep" }).click();
  await page.waitForURL(/\/playbooks#playbook-/);
  const active = page.locator("#shelf-active li", { hasText: "Renewal prep" });
  await active.waitFor();
  assert.equal(await page.locator("#shelf-proposed li", { hasText: "Renewal prep" }).count(), 0);
  const toggle = active.getByRole("button", { name: "Must consult Renewal prep" });
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  await toggle.click();
  await page.locator("#shelf-active li", { hasText: "Renewal prep" }).getByRole("button", { name: "Must consult Renewal prep", pressed: true }).waitFor();
  const listed = await api("GET", "/api/playbooks?status=active");
  const prep = listed.items.find((p) => p.name === "Renewal prep");
  assert.ok(prep && prep.must_consult, "approved and must-consult through the API too");
});

test("route a learning waiting for review, after a name that fits nobody", async () => {
  await page.goto(BASE + "/knowledge");
  const item = page.locator("li.learning", { hasText: "Bob from finance" });
  await item.getByLabel("or by name: a").selectOption("person");
  await item.getByLabel("Name", { exact: true }).fill("Bob Nobody");
  await item.getByRole("button", { name: "Route" }).click();
  const refused = page.locator("li.learning", { hasText: "Bob from finance" });
  await refused.getByRole("alert").getByText("No person named “Bob Nobody”").waitFor();
  assert.equal(await refused.getByLabel("Name", { exact: true }).inputValue(), "Bob Nobody");
  await refused.getByLabel("Name", { exact: true }).fill("Patrick Fields");
  await refused.getByRole("button", { name: "Route" }).click();
  await page.waitForURL(BASE + "/knowledge");
  assert.equal(await page.locator("li.learning", { hasText: "Bob from finance" }).count(), 0);
  const patrick = await byName("people", "Patrick Fields");
  const routed = await api("GET", "/api/knowledge?status=routed");
  const bob = routed.items.find((k) => k.content.startsWith("Bob from finance"));
  assert.equal(bob?.routed_to_id, patrick.id);
  // It now shows on Patrick's page, among what was learned about him.
  await page.goto(BASE + `/people/${patrick.id}`);
  await page.locator(`#knowledge-${bob.id}`).getByText("Bob from finance prefers a call to an email").waitFor();
});

test("a project links to its tasks; a person shows their context", async () => {
  await page.goto(BASE + "/projects");
  const goal = page.locator("li.project", { hasText: "Grow recurring revenue 20%" });
  assert.ok(await goal.locator("progress").count() === 1);
  await page.getByRole("link", { name: "Liberty renewal" }).click();
  await page.waitForURL(/\/tasks\?project=/);
  await page.getByText("Project: Liberty renewal").waitFor();
  await page.locator("#task-list").getByText("Prepare for the Liberty meeting").waitFor();
  await page.goto(BASE + "/people");
  await page.getByRole("link", { name: "Patrick Fields" }).click();
  await page.getByRole("heading", { name: "Relationship context" }).waitFor();
  await page.getByText("Prefers short emails; no calls before 10am").waitFor();
  await page.getByRole("link", { name: "Liberty Mutual Aid" }).click();
  await page.getByRole("heading", { name: "Open tasks of its people" }).waitFor();
});

async function pages() {
  const patrick = await byName("people", "Patrick Fields");
  const liberty = await byName("clients", "Liberty Mutual Aid");
  return {
    projects: "/projects",
    people: "/people",
    person: `/people/${patrick.id}`,
    client: `/clients/${liberty.id}`,
    playbooks: "/playbooks",
    knowledge: "/knowledge",
  };
}

test("the review pages fit a 375 px screen, and the navigation scrolls to every section", async () => {
  const narrow = await browser.newContext({ viewport: { width: 375, height: 740 }, storageState: await context.storageState() });
  const p = await narrow.newPage();
  for (const [name, url] of Object.entries(await pages())) {
    await p.goto(BASE + url);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `${name} is ${width}px wide at 375px`);
    await p.screenshot({ path: path.join(OUT, `${name}-375.png`), fullPage: true });
  }
  // The last section is off screen until the keyboard reaches it.
  const settings = p.locator("nav[aria-label=Sections] a", { hasText: "Settings" });
  await p.locator("nav[aria-label=Sections] a", { hasText: "Dashboard" }).focus();
  for (let i = 0; i < 12; i++) await p.keyboard.press("Tab");
  assert.equal(await p.evaluate(() => document.activeElement.textContent), "Settings");
  const box = await settings.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `Settings is on screen when focused: ${JSON.stringify(box)}`);
  await narrow.close();
});

test("the review pages, light and dark: a screenshot and no serious accessibility violations", async () => {
  const all = await pages();
  for (const scheme of ["light", "dark"]) {
    const ctx = await browser.newContext({ ...SNAPSHOT, colorScheme: scheme, viewport: { width: 1280, height: 900 }, storageState: await context.storageState() });
    const p = await ctx.newPage();
    for (const [name, url] of Object.entries(all)) {
      await p.goto(BASE + url);
      assert.deepEqual(await snapshot(p, name, scheme), []);
    }
    await ctx.close();
  }
});

test("no page broke its Content-Security-Policy", () => {
  assert.deepEqual(violations, []);
});
