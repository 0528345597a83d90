// L'après-vente: a warranty return opened from a receipt or a scan (the screen shows what the
// core computed of the guarantee: the sale date, its end, the presumption, the deadline), the
// open returns with their age and deadline, a return's end (repaired, exchanged, refunded)
// with its documents, and the recycling batches. Every rule is the core's: this page sends
// what was typed and shows what it answered.
import { failureOf, messageOf } from "./api";
import * as commands from "./gen/commands";
import type { Choices } from "./gen/Choices";
import type { Made } from "./gen/Made";
import type { RecyclingBatch } from "./gen/RecyclingBatch";
import type { RecyclingCandidate } from "./gen/RecyclingCandidate";
import type { ReturnPreview } from "./gen/ReturnPreview";
import type { WarrantyReturn } from "./gen/WarrantyReturn";
import type { AppInfo } from "./gen/AppInfo";
import { documentRow } from "./documents";
import { refreshLoans, startLoans } from "./loans";
import { $, el, fillSelect, frDate, openableRow, showError, showStatus } from "./dom";

let choices: Choices | null = null;
let chosen: ReturnPreview | null = null;
let ending: WarrantyReturn | null = null;
let candidates: RecyclingCandidate[] = [];

const findForm = $<HTMLFormElement>("return-find-form");
const code = $<HTMLInputElement>("return-code");
const returnForm = $<HTMLFormElement>("return-form");
const outcomeForm = $<HTMLFormElement>("outcome-form");
const recyclingForm = $<HTMLFormElement>("recycling-form");

function showMade(made: Made[]) {
  $("after-docs").replaceChildren(...made.map(documentRow));
}

function renderCandidates(found: ReturnPreview[]) {
  $("return-candidates").replaceChildren(
    ...found.map((p) => {
      const li = el("li");
      const pick = el("button", `${p.tag} · ${p.designation}`);
      pick.type = "button";
      pick.dataset.tag = p.tag;
      pick.addEventListener("click", () => choose(p));
      const facts = el(
        "span",
        ` — remis le ${frDate(p.delivered_on)} (ticket ${p.receipt})${p.open_return ? ` · retour n° ${p.open_return} en cours` : ""}`,
        "muted",
      );
      li.append(pick, facts);
      return li;
    }),
  );
}

function choose(p: ReturnPreview) {
  chosen = p;
  returnForm.reset();
  $("return-errors").hidden = true;
  $("return-form-title").textContent = `Retour de ${p.tag} (${p.designation})`;
  $("return-guarantee").textContent = `${p.guarantee_text} ${p.deadline_text}`;
  $("return-guarantee").className = p.in_guarantee ? "banner" : "banner warn";
  returnForm.hidden = false;
  $<HTMLSelectElement>("return-category").focus();
}

function renderReturns(rows: WarrantyReturn[]) {
  $("returns-empty").hidden = rows.length > 0;
  $("returns-rows").replaceChildren(
    ...rows.map((r) => {
      const tr = openableRow(r.number, "mono", `Terminer le retour ${r.number}`, () => code, () => openEnding(r));
      tr.dataset.number = r.number;
      const late = r.days_left !== null && r.days_left < 0;
      tr.append(
        el("td", `${r.tag} · ${r.designation}`),
        el("td", r.fault_label),
        el("td", `${r.age_days} j`),
        el("td", r.status, late ? "doc-error" : undefined),
      );
      return tr;
    }),
  );
}

async function refreshReturns() {
  try {
    renderReturns(await commands.returns_list($<HTMLInputElement>("returns-all").checked));
  } catch (err) {
    showError(messageOf(err));
  }
}

function showOutcomeFields() {
  const outcome = $<HTMLSelectElement>("outcome-kind").value;
  $("outcome-new-label").hidden = outcome !== "exchanged";
  $("outcome-refund-label").hidden = outcome !== "refunded";
}

function openEnding(r: WarrantyReturn) {
  ending = r;
  $("outcome-none").hidden = true;
  $("outcome-box").hidden = false;
  $("outcome-summary").textContent = `Retour n° ${r.number} — ${r.tag} (${r.designation}), ticket ${r.receipt}. Panne : ${r.fault_label} — « ${r.fault} ». ${r.status}.`;
  const ended = r.outcome !== null;
  outcomeForm.hidden = ended;
  if (ended) {
    $("outcome-summary").textContent += ` Diagnostic : ${r.outcome!.diagnosis}.`;
    return;
  }
  outcomeForm.reset();
  $("outcome-errors").hidden = true;
  showOutcomeFields();
  $<HTMLSelectElement>("outcome-kind").focus();
}

function destructionSelect(c: RecyclingCandidate): HTMLSelectElement {
  const select = el("select");
  select.setAttribute("aria-label", `Destruction des données de ${c.tag}`);
  for (const term of choices?.destructions ?? []) {
    if (!c.holds_data || term.code !== "no_data") {
      const option = el("option", term.label);
      option.value = term.code;
      select.append(option);
    }
  }
  select.value = c.holds_data ? (c.erasure ? "erasure" : "physical") : "no_data";
  return select;
}

function renderRecyclingCandidates() {
  $("recycling-candidates").replaceChildren(
    ...candidates.map((c) => {
      const li = el("li");
      li.dataset.tag = c.tag;
      const label = el("label", undefined, "check");
      const box = el("input");
      box.type = "checkbox";
      box.name = "device";
      box.value = c.tag;
      label.append(box, ` ${c.tag} · ${c.designation} (${c.state === "defective" ? "défectueux" : c.state === "received" ? "réceptionné" : "en vente"})`);
      const select = destructionSelect(c);
      const detail = el("input");
      detail.placeholder = "Comment, par qui (destruction physique)";
      detail.setAttribute("aria-label", `Destruction du stockage de ${c.tag} : comment, par qui`);
      li.append(label, " ", select, " ", detail, el("span", c.erasure ? ` effacement ${c.erasure}` : "", "muted"));
      return li;
    }),
  );
}

function renderBatches(batches: RecyclingBatch[]) {
  $("recycling-batches").replaceChildren(
    ...batches.map((b) => {
      const li = el("li", `Lot n° ${b.number} — ${b.collection_point}, remis le ${frDate(b.handed_on)} (bordereau ${b.reference}) : ${b.devices.length} appareil(s)`);
      const print = el("button", "Réimprimer la liste", "secondary");
      print.type = "button";
      print.addEventListener("click", async () => {
        try {
          showMade([await commands.document_make("recycling_list", b.number, null, true)]);
        } catch (err) {
          showError(messageOf(err));
        }
      });
      li.append(" ", print);
      return li;
    }),
  );
}

async function refreshRecycling() {
  try {
    renderBatches(await commands.recycling_list());
  } catch (err) {
    showError(messageOf(err));
  }
}

export async function focusAfterSales() {
  code.focus();
  code.select();
  await Promise.all([refreshReturns(), refreshRecycling(), refreshLoans()]);
}

export function startAfterSales(info: AppInfo) {
  const loaded = commands.aftersales_choices();
  void loaded.then((c) => {
    choices = c;
    fillSelect($("return-category"), c.faults);
    fillSelect($("outcome-kind"), c.outcomes);
    fillSelect($("outcome-refund"), c.refunds);
  }).catch((err) => showError(messageOf(err)));
  startLoans(info, loaded);

  findForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    returnForm.hidden = true;
    showError(null);
    try {
      const found = await commands.return_candidates(code.value);
      renderCandidates(found);
      if (found.length === 1) choose(found[0]);
    } catch (err) {
      $("return-candidates").replaceChildren();
      showError(messageOf(err));
    }
  });
  $("return-cancel").addEventListener("click", () => {
    returnForm.hidden = true;
    code.focus();
  });
  returnForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!chosen) return;
    try {
      const opened = await commands.return_open(
        { tag: chosen.tag, fault_category: $<HTMLSelectElement>("return-category").value, fault: $<HTMLInputElement>("return-fault").value },
        true,
      );
      returnForm.hidden = true;
      $("return-candidates").replaceChildren();
      showMade(opened.made);
      showStatus(`Retour n° ${opened.return.number} enregistré : bon de dépôt imprimé. ${opened.return.status}.`);
      code.value = "";
      await refreshReturns();
    } catch (err) {
      showFailure(err, $("return-errors"));
    }
  });
  $("returns-all").addEventListener("change", () => void refreshReturns());
  $("outcome-kind").addEventListener("change", showOutcomeFields);
  outcomeForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!ending) return;
    const outcome = $<HTMLSelectElement>("outcome-kind").value;
    try {
      const done = await commands.return_close(
        {
          number: ending.number,
          outcome,
          diagnosis: $<HTMLInputElement>("outcome-diagnosis").value,
          new_tag: outcome === "exchanged" ? $<HTMLInputElement>("outcome-new-tag").value : null,
          refund_method: outcome === "refunded" ? $<HTMLSelectElement>("outcome-refund").value : null,
        },
        true,
      );
      showMade(done.made);
      const end = done.closed.return.outcome!;
      showStatus(`Retour n° ${done.closed.return.number} terminé : ${end.label.toLowerCase()}${end.exchange_number ? ` (échange n° ${end.exchange_number})` : ""}${end.credit_note ? ` (avoir n° ${end.credit_note})` : ""}.`);
      ending = null;
      $("outcome-box").hidden = true;
      $("outcome-none").hidden = false;
      await refreshReturns();
    } catch (err) {
      showFailure(err, $("outcome-errors"));
    }
  });

  $("recycling-open").addEventListener("click", async () => {
    try {
      candidates = await commands.recycling_candidates();
      renderRecyclingCandidates();
      recyclingForm.reset();
      $("recycling-errors").hidden = true;
      recyclingForm.hidden = false;
      $<HTMLInputElement>("recycling-point").focus();
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("recycling-cancel").addEventListener("click", () => {
    recyclingForm.hidden = true;
  });
  recyclingForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const devices = [...$("recycling-candidates").querySelectorAll<HTMLLIElement>("li")]
      .filter((li) => li.querySelector<HTMLInputElement>("input[type=checkbox]")!.checked)
      .map((li) => ({
        tag: li.dataset.tag!,
        destruction: li.querySelector("select")!.value,
        detail: li.querySelector<HTMLInputElement>("input:not([type=checkbox])")!.value,
      }));
    try {
      const done = await commands.recycling_record(
        {
          collection_point: $<HTMLInputElement>("recycling-point").value,
          handed_on: $<HTMLInputElement>("recycling-date").value,
          reference: $<HTMLInputElement>("recycling-reference").value,
          devices,
        },
        true,
      );
      recyclingForm.hidden = true;
      showMade(done.made);
      showStatus(`Lot de recyclage n° ${done.batch.number} enregistré : ${done.batch.devices.length} appareil(s) sortis du stock.`);
      await refreshRecycling();
    } catch (err) {
      showFailure(err, $("recycling-errors"));
    }
  });
}

/** A refusal shown in the form's own message box (the form keeps what was typed). */
function showFailure(err: unknown, box: HTMLElement) {
  const failure = failureOf(err);
  messageOf(err);
  box.textContent = [failure.message, ...failure.fields.map((f) => f.message)].join("\n");
  box.hidden = false;
}
