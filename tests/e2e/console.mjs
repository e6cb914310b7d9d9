// Drives the Concord web console in Debian's Chromium, as two users of two
// states: log in, screen a name, open a record, send a message and
// acknowledge it on the other side, vote on a proposal, switch to Russian and
// Chinese. Fails on any JavaScript dialog (markup that ran), page error or
// Content-Security-Policy violation. Writes screenshots of the main pages.
//
// node console.mjs BASE_URL SCREENSHOT_DIR PASSWORD
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";

const [base, shots, password] = process.argv.slice(2);
if (!base || !shots || !password) {
  console.error("usage: node console.mjs BASE_URL SCREENSHOT_DIR PASSWORD");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

const axePath = new URL("./node_modules/axe-core/axe.min.js", import.meta.url).pathname;

// Serious and critical WCAG 2 A/AA findings of axe-core on one page.
async function axeAudit(page, path) {
  await page.goto(`${base}${path}`);
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  for (const v of found) problems.push(`accessibility, ${path}: ${v}`);
}

// Every session's page, to be photographed when a step fails.
const pages = [];

async function session(user) {
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  pages.push([user, page]);
  page.on("dialog", async (d) => {
    problems.push(`${user}: a dialog opened (${d.message()}): markup ran`);
    await d.dismiss();
  });
  page.on("pageerror", (e) => problems.push(`${user}: page error ${e.message}`));
  page.on("console", (m) => {
    // A form refused on purpose answers 422, which Chromium logs.
    if (page.refusalExpected && m.text().includes("status of 422")) return;
    if (m.type() === "error") problems.push(`${user}: console error ${m.text()}`);
  });
  await page.goto(`${base}/console`);
  check(page.url().includes("/console/login"), `${user}: not sent to the login page (${page.url()})`);
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.press("#password", "Enter");
  await page.waitForSelector("[data-test=user]");
  const who = await page.textContent("[data-test=user]");
  check(who.includes(user), `${user}: the user bar says ${who}`);
  // Keyboard first: the first Tab reaches the skip link, which leads to the content.
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement?.classList.contains("skip")), "the first Tab does not reach the skip link");
  return page;
}

try {
  // China's officer: the login page, home, screening, a record.
  const loginPage = await (await browser.newContext()).newPage();
  await loginPage.goto(`${base}/console/login`);
  await shot(loginPage, "01-login");

  const cn = await session("cn.officer");
  check((await cn.textContent("[data-test=state]")).trim() === "CN", "cn.officer's state is not CN");
  await shot(cn, "02-home");

  await cn.click("text=Screening");
  await cn.fill("#name", "Eastern Ridge Brigade");
  await cn.fill("#purpose", "browser test");
  await cn.click("[data-test=screen]");
  await cn.waitForSelector("[data-test=hit]");
  await cn.click("[data-test=hits] details summary");
  await shot(cn, "03-screening");
  await cn.click("[data-test=hit] >> nth=0");
  await cn.waitForSelector("[data-test=name]");
  check((await cn.textContent("h1")).includes("Eastern Ridge Brigade"), "the record page shows another record");
  await shot(cn, "04-record");

  // A batch file: upload, watch, download.
  await cn.goto(`${base}/console/screening`);
  await cn.setInputFiles("#file", {
    name: "passengers.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("id,name\np1,Eastern Ridge Brigade\np2,Nobody In Particular\n"),
  });
  await cn.fill("#batch-purpose", "browser batch test");
  await cn.click("[data-test=upload]");
  await cn.waitForSelector("[data-test=finished]", { timeout: 30000 });
  await shot(cn, "03-batch");
  const [download] = await Promise.all([cn.waitForEvent("download"), cn.click("[data-test=download-jsonl]")]);
  const results = readFileSync(await download.path(), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  check(results.length === 2 && results[0].id === "p1" && results[0].results.length > 0, `batch results: ${JSON.stringify(results)}`);

  await cn.goto(`${base}/console/records`);
  await shot(cn, "05-records");

  // A message to Russia's police, with markup in its subject that must stay text.
  const subject = `Convoy at the northern crossing <img src=x onerror=alert(1)> Жуков 李 ${Date.now()}`;
  await cn.click("[data-test=nav-inbox]");
  await cn.click("[data-test=compose]");
  await cn.fill("#recipients", "ru-police");
  await cn.selectOption("#priority", "urgent");
  await cn.fill("#subject", subject);
  await cn.fill("#body", "Two trucks with synthetic plates crossed at 04:10.");
  await cn.click("[data-test=send]");
  await cn.waitForURL(/\/console\/messages\/msg-/);
  check((await cn.textContent("h1")) === subject, "the sent subject is not shown as text");
  await shot(cn, "06-message-sent");

  // Russia's officer acknowledges it.
  const ru = await session("ru.officer");
  check((await ru.textContent("[data-test=state]")).trim() === "RU", "ru.officer's state is not RU");
  await ru.click("[data-test=nav-inbox]");
  await shot(ru, "07-inbox");
  await ru.click(`[data-test=message-link]:has-text("Convoy at the northern crossing") >> nth=0`);
  await ru.waitForSelector("[data-test=acknowledge]");
  await ru.click("[data-test=acknowledge]");
  await ru.waitForSelector("[data-test=delivery]:has-text('Acknowledged')");
  await shot(ru, "08-acknowledged");

  // China sees the acknowledgement in its outbox.
  await cn.goto(`${base}/console/messages?box=outbox`);
  await cn.click("[data-test=message-link] >> nth=0");
  await cn.waitForSelector("[data-test=delivery]:has-text('Acknowledged')");

  // Russia votes on the proposal in its silence period.
  await ru.click("text=Unified list");
  await ru.click("[data-test=proposal-link] >> nth=0");
  await ru.waitForSelector("[data-test=vote]");
  await ru.check("[data-test=accept]");
  await ru.fill("#reasons", "The attribution is documented.");
  await ru.click("[data-test=vote]");
  await ru.waitForSelector("[data-test=position]:has-text('Accept')");
  await shot(ru, "09-proposal");

  await ru.click("text=Consultations");
  await shot(ru, "10-consultations");
  await ru.click("text=Queues");
  await shot(ru, "11-queues");
  await ru.click("text=Map");
  await ru.waitForSelector("[data-test=event]");
  check((await ru.locator("[data-test=area]").count()) > 0, "the map lists no area of activity");
  await shot(ru, "11-map");

  // Russian, then Chinese; the choice is remembered across pages.
  await ru.click("[data-lang=ru]");
  await ru.waitForSelector("html[lang=ru]");
  await ru.click("[data-test=nav-inbox]");
  check((await ru.textContent("h1")) === "Входящие", "the inbox is not titled in Russian");
  await shot(ru, "12-inbox-ru");
  await ru.goto(`${base}/console`);
  check((await ru.textContent("h1")).includes("Что ждёт"), "the start page is not in Russian");
  await shot(ru, "13-home-ru");
  await ru.click("[data-lang=zh]");
  await ru.waitForSelector("html[lang=zh]");
  check((await ru.textContent("h1")) === "待您处理", "the start page is not in Chinese");
  await shot(ru, "14-home-zh");
  await ru.click("text=统一名单");
  await ru.click("[data-test=proposal-link] >> nth=0");
  await shot(ru, "15-proposal-zh");

  // Precursor control: Kazakhstan notifies China of an export through
  // Kyrgyzstan (a bad quantity first, refused with the form kept); China
  // objects and raises an incident in the same step; both read it in
  // Russian and Chinese.
  const kz = await session("kz.antidrug");
  await kz.click("text=Precursors");
  await kz.waitForSelector("[data-test=notifications]");
  await shot(kz, "19-precursors");
  await kz.selectOption("#importing_state", "CN");
  await kz.fill("#exporter", "Steppe Chemicals LLP (browser test)");
  await kz.fill("#importer", "Eastern Solvents Co. (browser test)");
  await kz.selectOption("#substance", "acetic-anhydride");
  await kz.fill("#quantity", "-3");
  await kz.selectOption("#unit", "l");
  await kz.selectOption("#transit_state_0", "KG");
  await kz.fill("#transit_point_0", "Kordai crossing");
  await kz.fill("#point_of_entry", "Torugart pass");
  kz.refusalExpected = true;
  await kz.click("[data-test=notify]");
  await kz.waitForSelector("[data-test=form-error]");
  kz.refusalExpected = false;
  check((await kz.textContent("[data-test=form-error]")).includes("quantity"), "a negative quantity is not refused by field");
  check((await kz.inputValue("#exporter")).includes("browser test"), "the refused form lost what was typed");
  await kz.fill("#quantity", "300");
  await kz.click("[data-test=notify]");
  await kz.waitForURL(/\/console\/precursors\/pen-/);
  check((await kz.textContent("[data-test=pre-stage]")).includes("Notified"), "the new notification is not at Notified");
  const notification = kz.url();
  await shot(kz, "20-notification");

  const cnPen = await session("cn.antidrug");
  await cnPen.goto(notification);
  await cnPen.fill("#reason-object", "The consignee is not registered at the address (browser test)");
  await cnPen.selectOption("#incident-kind", "stopped-shipment");
  await cnPen.click("[data-test=pre-step-object] button");
  await cnPen.waitForSelector("[data-test=pre-incident-link]");
  check((await cnPen.textContent("[data-test=pre-stage]")).includes("Objected"), "the objection did not take");
  check((await cnPen.locator("[data-test=pre-step-confirm]").count()) === 0, "an objected notification still offers to confirm");
  await shot(cnPen, "21-objected");
  await cnPen.click("[data-test=pre-incident-link]");
  await cnPen.waitForSelector("[data-test=inc-kind]");
  check((await cnPen.textContent("[data-test=inc-kind]")).includes("Stopped shipment"), "the incident is not a stopped shipment");
  await cnPen.goto(`${base}/console/precursors/requirements`);
  await cnPen.waitForSelector("[data-test=flows]");
  await shot(cnPen, "22-requirements");
  await kz.goto(`${notification}?lang=ru`);
  check((await kz.textContent("[data-test=pre-stage]")).includes("Возражение"), "the stage is not in Russian");
  await shot(kz, "23-notification-ru");
  await cnPen.goto(`${base}/console/precursors?lang=zh`);
  check((await cnPen.textContent("h1")) === "出口前通知", "the notifications page is not titled in Chinese");
  await shot(cnPen, "24-precursors-zh");
  await cnPen.goto(`${base}/console/precursors/incidents?lang=en`);

  // A controlled delivery from Kazakhstan to China: proposed, authorized
  // by China, started, custody taken by China, concluded.
  await kz.goto(`${base}/console/deliveries?lang=en`);
  await kz.fill("#consignment", "Synthetic: heroin in a spare tyre (browser test)");
  await kz.selectOption("#method", "replaced");
  await kz.fill("#point_0", "Almaty depot");
  await kz.fill("#contact_0", "KZ duty desk (browser test)");
  await kz.selectOption("#state_1", "CN");
  await kz.fill("#point_1", "Khorgos");
  await kz.fill("#contact_1", "CN duty desk (browser test)");
  await kz.click("[data-test=propose]");
  await kz.waitForURL(/\/console\/deliveries\/cd-/);
  const delivery = kz.url();
  check((await kz.textContent("[data-test=cd-stage]")).includes("Proposed"), "the delivery is not proposed");
  check((await kz.locator("[data-test=cd-step-start]").count()) === 0, "the lead may start before China authorized");
  await cnPen.goto(delivery);
  await cnPen.fill("#text-authorize", "Arrests only at the addressee (browser test)");
  await cnPen.click("[data-test=cd-step-authorize] button");
  await cnPen.waitForSelector("[data-test=cd-stage]:has-text('Authorized')");
  await kz.goto(delivery);
  await kz.click("[data-test=cd-step-start] button");
  await kz.waitForSelector("[data-test=cd-stage]:has-text('Underway')");
  await cnPen.goto(delivery);
  await cnPen.fill("#text-handover", "At Khorgos, 04:10");
  await cnPen.click("[data-test=cd-step-handover] button");
  await cnPen.waitForSelector("[data-test=custodian]");
  await shot(cnPen, "25-delivery-custody");
  await kz.goto(delivery);
  await kz.fill("#text-conclude", "Two arrests at the warehouse (browser test)");
  await kz.selectOption("#outcome", "delivered");
  await kz.click("[data-test=cd-step-conclude] button");
  await kz.waitForSelector("[data-test=cd-outcome]");
  check((await kz.textContent("[data-test=cd-stage]")).includes("Concluded"), "the delivery is not concluded");
  await shot(kz, "26-delivery-concluded");
  await kz.goto(`${delivery}?lang=zh`);
  check((await kz.textContent("[data-test=cd-stage]")).includes("已结束"), "the stage is not in Chinese");
  await kz.goto(`${base}/console/deliveries?lang=en`);

  // A joint operation: China reports its results in "Spider Web" and the
  // totals add them up.
  await cnPen.goto(`${base}/console/operations?lang=en`);
  await cnPen.waitForSelector("[data-test=op-figures]");
  await cnPen.click("[data-test=operation-link]:has-text('Spider Web')");
  await cnPen.waitForSelector("[data-test=op-report]");
  const arrestsBefore = Number(await cnPen.textContent("[data-test=op-total-arrests]"));
  await cnPen.fill("#substance_0", "heroin");
  await cnPen.fill("#quantity_0", "2.5");
  await cnPen.fill("#arrests", "3");
  await cnPen.fill("#cases_opened", "1");
  await cnPen.click("[data-test=report-results]");
  await cnPen.waitForSelector(`[data-test=op-total-arrests]:has-text('${arrestsBefore + 3}')`);
  check((await cnPen.textContent("[data-test=op-total-seized]")).includes("heroin: 8.9 kg"), "the seizures do not add up");
  await shot(cnPen, "30-operation");
  await cnPen.goto(`${base}/console/operations?lang=zh`);
  check((await cnPen.textContent("h1")) === "联合行动", "the operations page is not titled in Chinese");

  // Case links: Kazakhstan ties its delivery to "Spider Web"; a wrong id is
  // refused with what was typed kept, and the operation's page shows the
  // link from its side, in Russian.
  await kz.goto(`${base}/console/operations?lang=en`);
  const spiderWeb = (await kz.getAttribute("[data-test=operation-link]:has-text('Spider Web')", "href")).split("/").pop();
  await kz.goto(delivery);
  await kz.click("[data-test=link-case]");
  await kz.fill("#to", "rec-1");
  await kz.fill("#note", "Same couriers (browser test)");
  kz.refusalExpected = true;
  await kz.click("[data-test=link-submit]");
  await kz.waitForSelector("[data-test=form-error]");
  kz.refusalExpected = false;
  check((await kz.textContent("[data-test=form-error]")).includes("to"), "the refusal does not name the field");
  check((await kz.inputValue("#note")) === "Same couriers (browser test)", "the note was lost on a refusal");
  await kz.fill("#to", spiderWeb);
  await kz.click("[data-test=link-submit]");
  await kz.waitForSelector("[data-test=case-links] a:has-text('Spider Web')");
  await kz.goto(`${base}/console/operations/${spiderWeb}?lang=ru`);
  const linked = await kz.textContent("[data-test=case-links]");
  check(linked.includes("Контролируемая поставка") && linked.includes("browser test"), "the operation does not show the link in Russian");
  await shot(kz, "31-case-links-ru");
  await kz.goto(`${base}/console/deliveries?lang=en`);

  // Legal assistance: Kazakhstan's prosecutors draft a request without the
  // requested state's legal text (the page says what is missing and offers
  // no sending), complete it, send it; China acknowledges and refuses it on
  // a coded ground.
  const kzp = await session("kz.prosecutor");
  await kzp.click("text=Legal assistance");
  await kzp.waitForSelector("[data-test=legal-requests]");
  await kzp.selectOption("#kind", "extradition");
  await kzp.selectOption("#requested_state", "CN");
  await kzp.fill("#facts", "A courier moved heroin across the border (browser test)");
  await kzp.fill("#request", "Extradition of Courier B for trial (browser test)");
  await kzp.fill("#offence_0", "drug trafficking");
  await kzp.fill("#requesting_law_0", "Criminal Code, art. 297 (browser test)");
  await kzp.fill("#persons", "Courier B (browser test)");
  await kzp.click("[data-test=save-draft]");
  await kzp.waitForURL(/\/console\/legal\/mla-/);
  const legalRequest = kzp.url();
  check((await kzp.textContent("[data-test=mla-missing]")).includes("dual criminality"), "the draft does not say what it lacks");
  check((await kzp.locator("[data-test=mla-step-send]").count()) === 0, "an incomplete draft offers sending");
  await shot(kzp, "27-legal-draft");
  await kzp.fill("#requested_law_0", "Criminal Law, art. 347 (browser test)");
  await kzp.click("[data-test=save-revision]");
  await kzp.waitForSelector("[data-test=mla-step-send]");
  check((await kzp.locator("[data-test=mla-missing]").count()) === 0, "a complete draft still lacks something");
  await kzp.click("[data-test=mla-step-send] button");
  await kzp.waitForSelector("[data-test=mla-status]:has-text('Sent')");
  const cnp = await session("cn.prosecutor");
  await cnp.goto(legalRequest);
  await cnp.click("[data-test=mla-step-receive] button");
  await cnp.waitForSelector("[data-test=mla-status]:has-text('Received')");
  await cnp.check("[data-test=ground-own-national]");
  await cnp.fill("#reasons-refuse", "A national of the requested state; prosecuted at home (browser test)");
  await cnp.click("[data-test=mla-step-refuse] button");
  await cnp.waitForSelector("[data-test=mla-status]:has-text('Refused')");
  check((await cnp.textContent("[data-test=mla-status]")).includes("Own national"), "the ground is not shown");
  await shot(cnp, "28-legal-refused");
  await kzp.goto(`${legalRequest}?lang=ru`);
  check((await kzp.textContent("[data-test=mla-status]")).includes("Отказано"), "the status is not in Russian");
  await kzp.goto(`${base}/console/legal/statistics?lang=en`);
  await kzp.waitForSelector("[data-test=mla-by-pair]");
  await shot(kzp, "29-legal-statistics");

  // Statistics: Kazakhstan reports a figure of its own; a negative count is
  // refused with what was typed kept; the table shows it beside the
  // derived counts, in Russian too.
  await kzp.goto(`${base}/console/statistics?lang=en`);
  await kzp.waitForSelector("[data-test=stat-table]");
  const statYear = await kzp.inputValue("#stat-year");
  await kzp.selectOption("#stat-category", "attacks-prevented");
  await kzp.fill("#stat-value", "-5");
  await kzp.fill("#stat-source", "Ministry report (browser test)");
  kzp.refusalExpected = true;
  await kzp.click("[data-test=stat-submit]");
  await kzp.waitForSelector("[data-test=form-error]");
  kzp.refusalExpected = false;
  check((await kzp.textContent("[data-test=form-error]")).includes("value"), "the refusal does not name the value");
  check((await kzp.inputValue("#stat-source")) === "Ministry report (browser test)", "the source was lost on a refusal");
  await kzp.fill("#stat-value", "7");
  await kzp.click("[data-test=stat-submit]");
  await kzp.waitForSelector(`[data-test=stat-row-${statYear}-KZ-attacks-prevented] [data-test=stat-reported]:has-text('7')`);
  check(Number(await kzp.textContent("[data-test=stat-adopted]")) >= 0, "no transparency figures");
  await shot(kzp, "33-statistics");
  await kzp.goto(`${base}/console/statistics?lang=ru`);
  check((await kzp.textContent("h1")) === "Статистика", "the statistics page is not titled in Russian");
  check((await kzp.textContent("[data-test=stat-table]")).includes("Предотвращено терактов"), "a category is not in Russian");

  // Meetings: China schedules an emergency meeting with Russia and records
  // a decision; an action due before the decision is refused with what was
  // typed kept; Russia reports its action done; the page reads in Russian.
  await cn.goto(`${base}/console/meetings?lang=en`);
  await cn.waitForSelector("[data-test=mtg-overdue]");
  await cn.selectOption("#mtg-body", "security-council-secretaries");
  await cn.selectOption("#mtg-kind", "emergency");
  await cn.fill("#mtg-place", "Beijing (browser test)");
  await cn.fill("#mtg-participants", "CN, RU");
  await cn.fill("#mtg-agenda", "An attack on a border post (browser test)");
  await cn.click("[data-test=schedule]");
  await cn.waitForURL(/\/console\/meetings\/mtg-/);
  const meeting = cn.url();
  await cn.fill("#d-text", "The secretaries agree on joint patrols (browser test)");
  await cn.selectOption("#state_0", "RU");
  await cn.fill("#task_0", "Name the liaison officer (browser test)");
  await cn.fill("#due_0", "2000-01-01");
  cn.refusalExpected = true;
  await cn.click("[data-test=decide]");
  await cn.waitForSelector("[data-test=form-error]");
  cn.refusalExpected = false;
  check((await cn.textContent("[data-test=form-error]")).includes("actions[0].due"), "the refusal does not name the due date");
  check((await cn.inputValue("#task_0")) === "Name the liaison officer (browser test)", "the task was lost on a refusal");
  await cn.fill("#due_0", "2099-01-01");
  await cn.click("[data-test=decide]");
  await cn.waitForSelector("[data-test=decision-1]");
  await ru.goto(meeting);
  await ru.fill("#report-1-0", "Colonel A. (browser test)");
  await ru.click("[data-test=action-done] button");
  await ru.waitForSelector("[data-test=action-1-0]:has-text('Colonel A.')");
  await shot(ru, "34-meeting");
  await ru.goto(`${meeting}?lang=ru`);
  check((await ru.textContent("main")).includes("Внеочередное"), "the meeting's kind is not in Russian");

  // Exercises: Kazakhstan plans one with overlapping phases (refused, the
  // typed name kept), confirms next year's Peace Mission, and Russia, the
  // host, records the after-action report; the calendar reads in Chinese.
  await kz.goto(`${base}/console/exercises?lang=en`);
  await kz.waitForSelector("[data-test=exercises]");
  await kz.fill("#ex-name", "Steppe Shield (browser test)");
  await kz.fill("#ex-participants", "KZ, KG");
  await kz.fill("#phase_0", "Planning");
  await kz.fill("#starts_0", "2030-05-01");
  await kz.fill("#ends_0", "2030-05-03");
  await kz.fill("#phase_1", "Field");
  await kz.fill("#starts_1", "2030-05-02");
  await kz.fill("#ends_1", "2030-05-06");
  kz.refusalExpected = true;
  await kz.click("[data-test=plan]");
  await kz.waitForSelector("[data-test=form-error]");
  kz.refusalExpected = false;
  check((await kz.textContent("[data-test=form-error]")).includes("phases[1].starts"), "the overlap is not named");
  check((await kz.inputValue("#ex-name")) === "Steppe Shield (browser test)", "the name was lost on a refusal");
  await kz.click("[data-test=exercise-link]:has-text('Peace Mission')");
  await kz.click("[data-test=ex-confirm] button");
  await kz.waitForSelector("[data-test=ex-stage]:has-text('Confirmed')");
  const exercise = kz.url();
  await ru.goto(`${exercise}?lang=en`);
  await ru.fill("#ex-report-text", "The town was retaken on the second day (browser test)");
  await ru.fill("#ex-lessons", "Liaison officers at every command post\nOne radio net for all (browser test)");
  await ru.click("[data-test=ex-submit-report]");
  await ru.waitForSelector("[data-test=ex-after-action]");
  check((await ru.textContent("[data-test=ex-stage]")).includes("Conducted"), "the exercise is not conducted");
  await shot(ru, "35-exercise");
  await kz.goto(`${base}/console/exercises?lang=zh`);
  check((await kz.textContent("[data-test=exercises]")).includes("网络演习"), "the cyber exercise's kind is not in Chinese");
  await shot(kz, "36-exercises-zh");

  // Programmes: an action due outside the programme's years is refused
  // with what was typed kept; Kazakhstan reports its progress on the
  // anti-drug plan; the page reads in Russian.
  await kz.goto(`${base}/console/programmes?lang=en`);
  await kz.waitForSelector("[data-test=programmes]");
  await kz.fill("#prg-name", "Border programme (browser test)");
  await kz.fill("#title_0", "Joint patrols");
  await kz.fill("#responsible_0", "KZ");
  await kz.fill("#indicator_0", "Patrols held");
  await kz.fill("#deadline_0", "2001-01-01");
  kz.refusalExpected = true;
  await kz.click("[data-test=adopt]");
  await kz.waitForSelector("[data-test=form-error]");
  kz.refusalExpected = false;
  check((await kz.textContent("[data-test=form-error]")).includes("actions[0].deadline"), "the deadline is not named");
  check((await kz.inputValue("#prg-name")) === "Border programme (browser test)", "the name was lost on a refusal");
  await kz.click("[data-test=programme-link]:has-text('Anti-drug action plan')");
  await kz.fill("#percent-0", "60");
  await kz.fill("#note-0", "Eighteen importers (browser test)");
  await kz.click("[data-test=prg-report-0] button");
  await kz.waitForSelector("[data-test=prg-action-0]:has-text('KZ: 60 %')");
  await shot(kz, "37-programme");
  await kz.goto(`${kz.url()}?lang=ru`);
  check((await kz.textContent("main")).includes("Ход выполнения по государствам"), "the programme page is not in Russian");

  // The registry names who chairs this year, in Chinese.
  await kzp.goto(`${base}/console/registry?lang=zh`);
  check((await kzp.locator("[data-test=chairmanship] tr[aria-current=date]").count()) === 1, "no chair for this year");
  check((await kzp.textContent("[data-test=chairmanship]")).includes("轮值主席国") === false, "the table repeats its heading");

  // A border-area office asks its partner across the border directly; the
  // partner, not China's central authority, answers it.
  const almaty = await session("kz.almaty.prosecutor");
  await almaty.goto(`${base}/console/legal?lang=en`);
  await almaty.waitForSelector("#requested_office");
  await almaty.selectOption("#kind", "evidence-collection");
  await almaty.selectOption("#requested_state", "CN");
  await almaty.selectOption("#requested_office", "cn-xinjiang-procuratorate");
  await almaty.fill("#facts", "Heroin in a truck at Khorgos (browser test)");
  await almaty.fill("#request", "Statements of the customs officers on shift (browser test)");
  await almaty.fill("#offence_0", "drug trafficking");
  await almaty.fill("#requesting_law_0", "Criminal Code, art. 297 (browser test)");
  await almaty.fill("#requested_law_0", "Criminal Law, art. 347 (browser test)");
  await almaty.click("[data-test=save-draft]");
  await almaty.waitForURL(/\/console\/legal\/mla-/);
  const directRequest = almaty.url();
  await almaty.waitForSelector("[data-test=mla-channel]");
  await almaty.click("[data-test=mla-step-send] button");
  await almaty.waitForSelector("[data-test=mla-status]:has-text('Sent')");
  await cnp.goto(directRequest);
  check((await cnp.locator("[data-test=mla-step-receive]").count()) === 0, "China's central authority may answer a direct request");
  const xinjiang = await session("cn.xinjiang.prosecutor");
  await xinjiang.goto(`${directRequest}?lang=zh`);
  check((await xinjiang.textContent("[data-test=mla-channel]")).includes("边境地区"), "the channel is not in Chinese");
  await xinjiang.click("[data-test=mla-step-receive] button");
  await xinjiang.waitForSelector("[data-test=mla-status]:has-text('已收到')");
  await shot(xinjiang, "32-legal-direct-zh");

  // Accessibility: axe-core (WCAG 2 A and AA: labels, contrast, landmarks,
  // keyboard) on the main pages, in a context that lets its script in.
  const auditContext = await browser.newContext({ bypassCSP: true, locale: "en-US" });
  const audit = await auditContext.newPage();
  await audit.goto(`${base}/console/login`);
  await audit.fill("#username", "ru.officer");
  await audit.fill("#password", password);
  await audit.press("#password", "Enter");
  await audit.waitForSelector("[data-test=user]");
  await audit.goto(`${base}/console/records?q=Eastern`);
  const recordPath = await audit.getAttribute("[data-test=record-link] >> nth=0", "href");
  await audit.goto(`${base}/console/designations`);
  const proposalPath = await audit.getAttribute("[data-test=proposal-link] >> nth=0", "href");
  for (const path of [recordPath, proposalPath, "/console", "/console/records", "/console/screening", "/console/messages",
    "/console/messages/new", "/console/designations", "/console/consultations", "/console/map",
    "/console/queues", "/console/registry", "/console/designations/lists", "/console/messages/forwards",
    "/console/records/new", "/console?lang=zh", "/console/login?lang=en"]) {
    await axeAudit(audit, path);
  }
  // The precursor pages with their forms, as an anti-drug agency sees them.
  await audit.context().clearCookies();
  await audit.goto(`${base}/console/login`);
  await audit.fill("#username", "kz.antidrug");
  await audit.fill("#password", password);
  await audit.press("#password", "Enter");
  await audit.waitForSelector("[data-test=user]");
  await audit.goto(`${base}/console/precursors/incidents`);
  const incidentPath = await audit.getAttribute("[data-test=incidents] a >> nth=0", "href");
  await audit.goto(`${base}/console/operations`);
  const operationPath = await audit.getAttribute("[data-test=operation-link] >> nth=0", "href");
  for (const path of ["/console/operations", operationPath, "/console/legal", "/console/legal/statistics", "/console/deliveries", new URL(delivery).pathname,
    "/console/precursors", new URL(notification).pathname, "/console/precursors/requirements",
    "/console/precursors/incidents", incidentPath, "/console/precursors?lang=zh", operationPath.replace("/operations/", "/links/")]) {
    await axeAudit(audit, path);
  }
  // A draft's page with its revise form, as its office sees it.
  await audit.context().clearCookies();
  await audit.goto(`${base}/console/login`);
  await audit.fill("#username", "kz.prosecutor");
  await audit.fill("#password", password);
  await audit.press("#password", "Enter");
  await audit.waitForSelector("[data-test=user]");
  await audit.goto(`${base}/console/legal`);
  const draftPath = await audit.getAttribute("[data-test=legal-requests] tr:has-text('Drafted') a", "href");
  for (const path of [draftPath, new URL(legalRequest).pathname, "/console/legal?lang=zh"]) {
    await axeAudit(audit, path);
  }
  // The draft form of a border-area office, with its partner offices.
  await audit.context().clearCookies();
  await audit.goto(`${base}/console/login`);
  await audit.fill("#username", "kz.almaty.prosecutor");
  await audit.fill("#password", password);
  await audit.press("#password", "Enter");
  await audit.waitForSelector("[data-test=user]");
  await audit.goto(`${base}/console/meetings`);
  const meetingPath = await audit.getAttribute("[data-test=meeting-link] >> nth=0", "href");
  for (const path of ["/console/legal", new URL(directRequest).pathname, "/console/statistics", "/console/statistics?lang=zh",
    "/console/meetings", meetingPath, "/console/exercises", "/console/programmes"]) {
    await axeAudit(audit, path);
  }
  await auditContext.close();

  // Two administrators for a grant of power; a reset password is changed first.
  const by = await session("by.admin");
  await by.goto(`${base}/console/admin/users`);
  await by.fill("#username", "by.supervisor.e2e");
  await by.fill("#display_name", "Supervisor (browser test)");
  await by.selectOption("#role", "supervisor");
  await by.selectOption("#clearance", "confidential");
  await by.fill("#new-password", "a first password for e2e");
  await by.click("[data-test=create-user]");
  await by.waitForSelector(".flash");
  check((await by.textContent(".flash")).includes("second administrator"), "the grant does not say it waits");
  check((await by.locator("[data-test=grants] tr:has-text('by.supervisor.e2e')").count()) === 1, "no waiting grant listed");
  await shot(by, "16-grant-waits");
  const by2 = await session("by.admin2");
  await by2.goto(`${base}/console/admin/users`);
  await by2.click("[data-test=grants] tr:has-text('by.supervisor.e2e') [data-test=grant-approve]");
  await by2.waitForSelector("[data-test=no-grants]");
  const newcomer = await (await browser.newContext({ locale: "en-US" })).newPage();
  await newcomer.goto(`${base}/console/login`);
  await newcomer.fill("#username", "by.supervisor.e2e");
  await newcomer.fill("#password", "a first password for e2e");
  await newcomer.press("#password", "Enter");
  await newcomer.waitForSelector("[data-test=must-change]");
  check(newcomer.url().endsWith("/console/password"), `a set password is not changed first (${newcomer.url()})`);
  await shot(newcomer, "17-password");
  await newcomer.fill("#current_password", "a first password for e2e");
  await newcomer.fill("#new_password", "my own password for e2e");
  await newcomer.fill("#repeat_password", "my own password for e2e");
  await newcomer.click("[data-test=password-submit]");
  await newcomer.waitForURL(/\/console\/login\?changed=1/);
  await newcomer.fill("#username", "by.supervisor.e2e");
  await newcomer.fill("#password", "my own password for e2e");
  await newcomer.press("#password", "Enter");
  await newcomer.waitForSelector("[data-test=user]");

  // Failed logins slow a name down, and the page says how long to wait.
  const guesser = await (await browser.newContext({ locale: "en-US" })).newPage();
  // The waits double (1 s, 2 s, 4 s...): however slow the machine, an
  // attempt soon comes within one.
  let said = "";
  for (let i = 0; i < 9 && !said.includes("try again in"); i++) {
    await guesser.goto(`${base}/console/login`);
    await guesser.fill("#username", "nobody.e2e");
    await guesser.fill("#password", "a wrong password");
    await guesser.press("#password", "Enter");
    await guesser.waitForSelector("[role=alert]");
    said = await guesser.textContent("[role=alert]");
  }
  check(said.includes("try again in"), `repeated failed logins do not say to wait: ${said}`);
  await shot(guesser, "18-login-throttled");

  // Logging out ends the session.
  await ru.click("[data-test=logout]");
  await ru.waitForURL(/\/console\/login/);
} catch (e) {
  problems.push(String(e && e.stack ? e.stack : e));
  for (const [user, page] of pages) {
    await page.screenshot({ path: `${shots}/failed-${user}.png`, fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`console e2e: passed; screenshots in ${shots}`);
