// The stock screen: search (scanner-friendly), filters, list, and a device's page with its
// history and the actions the core offers. Keyboard first: a USB scanner types the tag and
// Enter into the search box, which opens that device.
import { codeOf, messageOf } from "./api";
import type { Category } from "./gen/Category";
import type { DeviceKind } from "./gen/DeviceKind";
import type { DeviceState } from "./gen/DeviceState";
import * as commands from "./gen/commands";
import type { AppInfo } from "./gen/AppInfo";
import type { Device } from "./gen/Device";
import type { DeviceDetail } from "./gen/DeviceDetail";
import type { OfferedAction } from "./gen/OfferedAction";
import { $, el, fillSelect, firstRowButton, openableRow, showError, showStatus } from "./dom";
import { startPeople, focusPeople } from "./people";
import { startPos, focusPos } from "./pos";
import { startSettings, focusSettings, renderTaxAsk } from "./settings";
import { onOpenSettings } from "./documents";
import { hubConfigured, refreshSync, startSync, syncNow } from "./sync";
import { startKeyRecovery, startSafety } from "./safety";
import { focusReports, startReports } from "./reports";
import { showLogFolder, startDesk, startSetup } from "./desk";
import { startIntake } from "./intake";
import { focusAfterSales, startAfterSales } from "./aftersales";

const search = $<HTMLInputElement>("search");
const searchForm = $<HTMLFormElement>("search-form");
const filterKind = $<HTMLSelectElement>("filter-kind");
const filterCategory = $<HTMLSelectElement>("filter-category");
const filterState = $<HTMLSelectElement>("filter-state");
const receiveOnScan = $<HTMLInputElement>("receive-on-scan");
const rows = $<HTMLTableSectionElement>("device-rows");
const count = $("count");
const detail = $("device-detail");
const detailEmpty = $("detail-empty");
const reasonForm = $<HTMLFormElement>("reason-form");
const reasonInput = $<HTMLInputElement>("reason-input");

let info: AppInfo | null = null;
let labels: Record<string, Record<string, string>> = {};
let current: DeviceDetail | null = null;
let pendingAction: OfferedAction | null = null;
let listRequest = 0;

function label(kind: "kinds" | "categories" | "states", code: string | null): string {
  if (code === null) return "—";
  return labels[kind]?.[code] ?? code;
}


function formatWhen(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short" }).format(date);
}

// How many devices the centre has at all (the core's summary), and how many the list shows.
let stockTotal: number | null = null;
let listed: number | null = null;

/** Nothing to show: say what to do next (an empty stock offers its three ways in). */
function showEmpty() {
  const empty = stockTotal === 0;
  $("stock-empty").hidden = !empty;
  $("empty-sync").hidden = !hubConfigured();
  $("stock-unmatched").hidden = empty || listed !== 0;
  $("devices").hidden = empty || listed === 0;
}

async function refreshSummary() {
  try {
    const summary = await commands.stock_summary();
    $("summary").textContent = summary.text;
    stockTotal = summary.total;
    showEmpty();
  } catch (err) {
    showError(messageOf(err));
  }
}

async function refreshList() {
  const request = ++listRequest;
  const text = search.value.trim();
  try {
    const devices = await commands.stock_list({
      kind: (filterKind.value || null) as DeviceKind | null,
      category: (filterCategory.value || null) as Category | null,
      state: (filterState.value || null) as DeviceState | null,
      text: text || null,
    });
    if (request !== listRequest) return; // a newer search is on its way
    renderRows(devices);
  } catch (err) {
    showError(messageOf(err));
  }
}

function renderRows(devices: Device[]) {
  rows.replaceChildren(
    ...devices.map((d) => {
      const tr = openableRow(d.tag, "mono", `Ouvrir ${d.tag}`, () => search, () => void openDevice(d.tag));
      tr.dataset.tag = d.tag;
      tr.append(
        el("td", label("kinds", d.kind)),
        el("td", d.category ?? "—"),
        el("td", label("states", d.state), `state-${d.state}`),
        el("td", `${d.brand} ${d.model}`.trim(), "name"),
        el("td", d.imei ?? d.serial ?? "—", "mono"),
      );
      if (current?.tag === d.tag) tr.setAttribute("aria-current", "true");
      return tr;
    }),
  );
  count.textContent = devices.length === 0
    ? ""
    : `${devices.length} appareil${devices.length > 1 ? "s" : ""}${devices.length >= 200 ? " (les 200 plus récents : affinez la recherche)" : ""}`;
  listed = devices.length;
  showEmpty();
}

async function openDevice(code: string, fromScan = false) {
  showError(null);
  try {
    let device = await commands.stock_show(code);
    // Received on scan when the core offers « Réceptionner » for it (an allocated device).
    if (fromScan && receiveOnScan.checked && device.actions.some((a) => a.action === "receive")) {
      device = await commands.stock_apply(device.tag, "receive", "");
      showStatus(`${device.tag} réceptionné.`);
      void refreshSummary();
      void refreshList();
    } else {
      showStatus(null);
    }
    renderDetail(device);
    return true;
  } catch (err) {
    if (codeOf(err) === "not_found" && fromScan) return false;
    showError(messageOf(err));
    return true;
  }
}

function renderDetail(d: DeviceDetail) {
  current = d;
  pendingAction = null;
  reasonForm.hidden = true;
  detail.hidden = false;
  detailEmpty.hidden = true;
  $("delivery-panel").hidden = true;
  $("device-panel").hidden = true;
  $("detail-tag").textContent = d.tag;
  const state = $("detail-state");
  state.textContent = label("states", d.state);
  state.className = `state state-${d.state}`;
  $("detail-name").textContent = `${d.brand} ${d.model}`.trim();
  $("detail-facts").replaceChildren(
    ...d.facts.flatMap((f) => [el("dt", f.label), el("dd", f.value)]),
  );
  $("detail-actions").replaceChildren(
    ...d.actions.map((a) => {
      const button = el("button", a.label);
      button.type = "button";
      button.dataset.action = a.action;
      button.addEventListener("click", () => void startAction(a));
      return button;
    }),
  );
  $("detail-history").replaceChildren(
    ...[...d.history].reverse().map((e) => {
      const li = el("li");
      li.append(
        el("time", formatWhen(e.at)),
        el("span", e.from_state ? `${label("states", e.from_state)} → ${label("states", e.to_state)}` : label("states", e.to_state), "move"),
        el("span", `${e.reason} — ${e.operator}`, "why"),
      );
      return li;
    }),
  );
  for (const tr of rows.querySelectorAll("tr")) {
    tr.toggleAttribute("aria-current", (tr as HTMLElement).dataset.tag === d.tag);
  }
}

async function startAction(action: OfferedAction) {
  if (!current) return;
  if (action.requires_reason) {
    pendingAction = action;
    $("reason-label").textContent = `Raison (${action.label.toLowerCase()})`;
    reasonInput.value = "";
    reasonForm.hidden = false;
    reasonInput.focus();
    return;
  }
  await runAction(action, "");
}

async function runAction(action: OfferedAction, reason: string) {
  if (!current) return;
  try {
    const updated = await commands.stock_apply(current.tag, action.action, reason);
    showError(null);
    showStatus(`${updated.tag} : ${label("states", updated.state)}.`);
    renderDetail(updated);
    // Next device: back to the search box, ready for the scanner.
    search.focus();
    search.select();
    void refreshSummary();
    void refreshList();
  } catch (err) {
    showError(messageOf(err));
  }
}

let debounce: number | undefined;
search.addEventListener("input", () => {
  window.clearTimeout(debounce);
  debounce = window.setTimeout(() => void refreshList(), 120);
});

searchForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const code = search.value.trim();
  if (!code) return;
  window.clearTimeout(debounce);
  const opened = await openDevice(code, true);
  if (opened) {
    search.select();
    await refreshList();
    return;
  }
  // Not an exact tag, serial or IMEI: show what the text finds; open it if it is the only one.
  await refreshList();
  const only = rows.querySelectorAll("tr");
  if (only.length === 1) {
    await openDevice((only[0] as HTMLElement).dataset.tag!);
  } else {
    showError(`Aucun appareil ne porte exactement le code « ${code} ». ${only.length} résultat(s) dans la liste.`);
  }
  search.select();
});

search.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") {
    e.preventDefault();
    firstRowButton(rows)?.focus();
  }
});

for (const select of [filterKind, filterCategory, filterState]) {
  select.addEventListener("change", () => void refreshList());
}

reasonForm.addEventListener("submit", (e) => {
  e.preventDefault();
  if (pendingAction) void runAction(pendingAction, reasonInput.value);
});
$("reason-cancel").addEventListener("click", () => {
  reasonForm.hidden = true;
  pendingAction = null;
});

type View = "stock" | "people" | "pos" | "after" | "reports" | "settings";
function showView(view: View) {
  for (const v of ["stock", "people", "pos", "after", "reports", "settings"] as View[]) {
    $(`view-${v}`).hidden = v !== view;
    const tab = $(`tab-${v}`);
    tab.setAttribute("aria-selected", String(v === view));
    // One tab in the Tab order: the arrows move between them (ARIA tabs pattern).
    tab.tabIndex = v === view ? 0 : -1;
  }
  showError(null);
  showStatus(null);
  if (view === "stock") {
    search.focus();
    search.select();
    void refreshList();
    void refreshSummary();
  } else if (view === "people") {
    focusPeople();
  } else if (view === "reports") {
    void focusReports();
  } else if (view === "after") {
    void focusAfterSales();
  } else if (view === "settings") {
    void focusSettings();
    void refreshSync();
  } else {
    focusPos();
  }
}
onOpenSettings(() => showView("settings"));
$("tab-stock").addEventListener("click", () => showView("stock"));
$("tab-people").addEventListener("click", () => showView("people"));
$("tab-pos").addEventListener("click", () => showView("pos"));
$("tab-settings").addEventListener("click", () => showView("settings"));
$("tab-reports").addEventListener("click", () => showView("reports"));
$("tab-after").addEventListener("click", () => showView("after"));
// The tab list: ← → (and Home, End) go to the previous or next screen, the focus with it.
$("tablist").addEventListener("keydown", (e) => {
  const views: View[] = ["stock", "people", "pos", "after", "reports", "settings"];
  const at = views.findIndex((v) => $(`tab-${v}`) === document.activeElement);
  if (at < 0) return;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: views.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  const next = views[(to + views.length) % views.length];
  showView(next);
  $(`tab-${next}`).focus();
});

document.addEventListener("keydown", (e) => {
  if (e.key === "F2") {
    e.preventDefault();
    showView("stock");
  } else if (e.key === "F3") {
    e.preventDefault();
    showView("people");
  } else if (e.key === "F4") {
    e.preventDefault();
    showView("pos");
  } else if (e.key === "F5") {
    e.preventDefault();
    showView("reports");
  } else if (e.key === "F6") {
    e.preventDefault();
    showView("settings");
  } else if (e.key === "F7") {
    e.preventDefault();
    showView("after");
  } else if (e.key === "Escape" && !$("view-stock").hidden) {
    reasonForm.hidden = true;
    search.focus();
    search.select();
  }
});

async function start() {
  try {
    info = await commands.app_info();
  } catch (err) {
    showError(messageOf(err));
    return;
  }
  labels = {
    kinds: Object.fromEntries(info.vocabulary.kinds.map((t) => [t.code, t.label])),
    categories: Object.fromEntries(info.vocabulary.categories.map((t) => [t.code, t.label])),
    states: Object.fromEntries(info.vocabulary.states.map((t) => [t.code, t.label])),
  };
  fillSelect(filterKind, info.vocabulary.kinds);
  fillSelect(filterCategory, info.vocabulary.categories);
  fillSelect(filterState, info.vocabulary.states);
  $("who").textContent = `Poste : ${info.operator}`;
  startDesk(info.roles);
  showLogFolder(info.log_folder);
  // A fresh install: the first-run form, then the programmes it created are read again.
  if (info.first_run) startSetup(() => window.location.reload());
  $("who").title = `Base de données : ${info.database}`;
  if (info.startup_error) {
    showError(info.startup_error.message);
    // The key is not in this machine's keyring: the recovery phrase opens the database.
    if (["no_key", "wrong_key"].includes(info.startup_error.code)) startKeyRecovery();
    search.disabled = true;
    return;
  }
  startIntake(info, {
    changed: () => {
      void refreshSummary();
      void refreshList();
    },
    show: (device) => renderDetail(device),
    hideDetail: () => {
      detail.hidden = true;
      detailEmpty.hidden = true;
    },
    closed: () => {
      if (current) detail.hidden = false;
      else detailEmpty.hidden = false;
    },
  });
  // The empty stock's ways in: the same acts as the buttons above the list.
  $("empty-import").addEventListener("click", () => $<HTMLInputElement>("delivery-file").click());
  $("empty-add").addEventListener("click", () => $("device-new").click());
  $("empty-sync").addEventListener("click", () => void syncNow().then(() => {
    void refreshSummary();
    void refreshList();
  }));
  window.addEventListener("sync-status", showEmpty);
  $("filters-clear").addEventListener("click", () => {
    search.value = "";
    for (const f of [filterKind, filterCategory, filterState]) f.value = "";
    void refreshList();
    search.focus();
  });
  startPeople(info);
  startPos(info);
  startSettings(info.papers);
  $("tax-choose").addEventListener("click", () => showView("settings"));
  if (!info.first_run) void commands.centre_show().then(renderTaxAsk).catch(() => undefined);
  startSync(() => showView("settings"));
  // After the first-run form the page reloads: the phrase is shown then, not over the form.
  startSafety(() => showView("settings"), !info.first_run);
  startReports(info);
  startAfterSales(info);
  if (info.journal_alert) {
    // Blocking: the cash desk stays closed (see pos.ts) and the warning stays on screen.
    $("journal-banner").textContent = info.journal_alert;
    $("journal-banner").hidden = false;
    document.body.classList.add("journal-broken");
  }
  await Promise.all([refreshSummary(), refreshList()]);
  search.focus();
}

// Once the first screen is on the glass (two frames: laid out, then painted), the app logs the
// time since launch.
void start().finally(() => requestAnimationFrame(() => requestAnimationFrame(() => void commands.first_paint())));
