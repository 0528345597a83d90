// Bilans: each active programme's progress to its targets, the stock on sale, and the funder's
// report of a programme over a period (PDF with a chart, or CSV for a spreadsheet) in two
// clicks. The core computes every figure and hides counts of one or two people.
import { messageOf } from "./api";
import * as commands from "./gen/commands";
import type { AppInfo } from "./gen/AppInfo";
import type { Cell } from "./gen/Cell";
import type { ClosingsView } from "./gen/ClosingsView";
import type { JournalEntry } from "./gen/JournalEntry";
import type { JournalState } from "./gen/JournalState";
import { documentRow } from "./documents";
import { $, el, fillSelect, showError, showStatus } from "./dom";

function frTimestamp(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short" }).format(date);
}

let journalBefore: number | null = null;
let journalOptionsFilled = false;

function renderJournalState(state: JournalState) {
  const checked = state.verified_at
    ? ` Dernière vérification complète : ${frTimestamp(state.verified_at)} par ${state.verified_by ?? "?"}.`
    : " Pas encore de vérification complète demandée sur ce poste.";
  $("journal-state").textContent = `${state.message} Tête : ${state.head.slice(0, 16)}….${checked}`;
  $("journal-state").className = state.intact ? "" : "doc-error";
  if (!journalOptionsFilled) {
    fillSelect($("journal-kind"), state.kinds);
    fillSelect($("journal-operator"), state.operators.map((o) => ({ code: o, label: o })));
    journalOptionsFilled = true;
  }
}

function journalRow(e: JournalEntry): HTMLElement {
  const li = el("li");
  li.dataset.seq = String(e.seq);
  const details = el("details");
  details.append(
    el("summary", `n° ${e.seq} — ${frTimestamp(e.at)} — ${e.operator} — ${e.kind_label} : ${e.summary}`),
    el("pre", JSON.stringify(e.content, null, 2), "mono"),
  );
  li.append(details);
  return li;
}

async function loadJournal(more: boolean) {
  try {
    const page = await commands.journal_list({
      kind: $<HTMLSelectElement>("journal-kind").value || null,
      operator: $<HTMLSelectElement>("journal-operator").value || null,
      from: $<HTMLInputElement>("journal-from").value || null,
      to: $<HTMLInputElement>("journal-to").value || null,
      before: more ? journalBefore : null,
      limit: 50,
    });
    const rows = page.entries.map(journalRow);
    if (more) $("journal-entries").append(...rows);
    else $("journal-entries").replaceChildren(...(rows.length ? rows : [el("li", "Aucune entrée ne correspond à ces filtres.", "muted")]));
    journalBefore = page.next_before;
    $("journal-more").hidden = page.next_before === null;
    $("journal-count").textContent = `${page.total} entrée(s) correspondent.`;
    showError(null);
  } catch (err) {
    showError(messageOf(err));
  }
}

function renderClosings(view: ClosingsView) {
  $("closings-list").replaceChildren(
    ...(view.closings.length
      ? view.closings.map((c) => {
          const li = el("li", undefined, "document");
          li.dataset.key = c.key;
          li.append(el("strong", c.label), el("span", ` net ${c.net_text} — ${c.made_by}, ${frTimestamp(c.made_at)} `, "muted"));
          const print = el("button", "Imprimer", "secondary");
          print.type = "button";
          print.addEventListener("click", async () => {
            try {
              const made = await commands.document_make("closing", c.key, null, true);
              $("closing-docs").prepend(documentRow(made));
              showError(null);
            } catch (err) {
              showError(messageOf(err));
            }
          });
          li.append(print);
          return li;
        })
      : [el("li", "Aucune clôture pour l'instant : la première se fera à la fin de la première journée de ventes.", "muted")]),
  );
}

let labels: Record<string, string> = {};
const fr = (iso: string) => iso.split("-").reverse().join("/");

function bar(label: string, people: Cell, target: number | null, progress: number | null): HTMLElement {
  const row = el("div", undefined, "progress-row");
  row.append(el("span", label));
  if (people === "< 3") {
    // A masked count is said as such, never drawn as a real 0.
    row.append(el("span", "< 3 (une ou deux personnes, nombre masqué)", "muted"));
  } else if (target !== null) {
    const p = el("progress") as HTMLProgressElement;
    // The core's percentage (none when the figure is masked under 3).
    p.max = 100;
    p.value = progress ?? 0;
    row.append(p);
  } else {
    row.append(el("span", "(pas d'objectif)", "muted"));
  }
  const value = target !== null ? `${people} / ${target}${progress !== null ? ` (${progress} %)` : ""}` : String(people);
  row.append(el("strong", value));
  return row;
}

export async function focusReports() {
  try {
    const d = await commands.dashboard();
    $("dash-programmes").replaceChildren(
      ...(d.programmes.length
        ? d.programmes.map((p) => {
            const box = el("div", undefined, "decision");
            box.append(
              el("h3", p.programme),
              el("p", `Du ${fr(p.from)} au ${fr(p.to)} : ${p.people} personne(s) équipée(s), ${p.devices} appareil(s).`, "muted"),
              ...p.publics.map((pub) => bar(pub.label, pub.people, pub.target, pub.progress)),
            );
            return box;
          })
        : [el("p", "Aucun programme en cours. Installez le fichier de programme donné par le réseau dans Réglages › Programmes.", "muted")]),
    );
    $("dash-loans").replaceChildren(
      ...(d.loans_overdue.length
        ? d.loans_overdue.map((l) => {
            const li = el("li", `Prêt n° ${l.number} — ${l.tag} (${l.designation}) chez ${l.person} : ${l.status}`, "doc-error");
            li.dataset.number = l.number;
            return li;
          })
        : [el("li", "Aucun prêt en retard.", "muted")]),
    );
    const nothingOnSale = el("tr");
    const cell = el("td", "Aucun appareil en vente : réceptionnez les appareils livrés puis mettez-les en vente (écran Stock).", "muted");
    cell.colSpan = 3;
    nothingOnSale.append(cell);
    $("dash-stock").replaceChildren(
      ...(d.stock.length === 0 ? [nothingOnSale] : []),
      ...d.stock.map((s) => {
        const tr = el("tr");
        tr.append(el("td", labels[s.kind] ?? s.kind), el("td", s.category ?? "—"), el("td", String(s.available)));
        return tr;
      }),
    );
    const donors = await commands.donors_list();
    $("donor-name").replaceChildren();
    fillSelect($("donor-name"), donors.map((d) => ({ code: d.name, label: `${d.name} (${d.devices} appareil(s))` })));
    $("donor-form").hidden = donors.length === 0;
    $("donor-none").hidden = donors.length > 0;
    renderClosings(await commands.closings_list());
    renderJournalState(await commands.journal_state());
    await loadJournal(false);
  } catch (err) {
    showError(messageOf(err));
  }
  $<HTMLSelectElement>("report-programme").focus();
}

async function make(csv: boolean) {
  try {
    const made = await commands.report_make(
      $<HTMLSelectElement>("report-programme").value,
      $<HTMLInputElement>("report-from").value,
      $<HTMLInputElement>("report-to").value,
      csv,
    );
    $("report-docs").prepend(documentRow(made));
    showError(null);
    showStatus(`${made.title} : prêt (Ouvrir, Enregistrer sous… ou Imprimer).`);
  } catch (err) {
    showError(messageOf(err));
  }
}

async function makeDonor(csv: boolean) {
  try {
    const made = await commands.donor_report_make(
      $<HTMLSelectElement>("donor-name").value,
      $<HTMLInputElement>("donor-from").value,
      $<HTMLInputElement>("donor-to").value,
      csv,
    );
    $("donor-docs").prepend(documentRow(made));
    showError(null);
    showStatus(`${made.title} : prêt (Ouvrir, Enregistrer sous… ou Imprimer).`);
  } catch (err) {
    showError(messageOf(err));
  }
}

export function startReports(info: AppInfo) {
  labels = Object.fromEntries(info.vocabulary.kinds.map((t) => [t.code, t.label]));
  fillSelect($("report-programme"), info.people.programmes);
  // This month so far, by default.
  const [y, m] = info.today.split("-");
  $<HTMLInputElement>("report-from").value = `01/${m}/${y}`;
  $<HTMLInputElement>("report-to").value = fr(info.today);
  $("report-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void make(false);
  });
  $("report-csv").addEventListener("click", () => void make(true));
  // The donor report: this year so far, by default.
  $<HTMLInputElement>("donor-from").value = `01/01/${y}`;
  $<HTMLInputElement>("donor-to").value = fr(info.today);
  $("donor-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void makeDonor(false);
  });
  $("donor-csv").addEventListener("click", () => void makeDonor(true));
  $("journal-filter").addEventListener("submit", (e) => {
    e.preventDefault();
    void loadJournal(false);
  });
  $("journal-more").addEventListener("click", () => void loadJournal(true));
  $("journal-verify").addEventListener("click", async () => {
    try {
      renderJournalState(await commands.journal_verify());
      showStatus("Journal vérifié.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
  // The journal against the heads the network's hub kept for this register.
  $("journal-verify-hub").addEventListener("click", async () => {
    const out = $("journal-hub");
    try {
      const check = await commands.journal_verify_hub();
      out.textContent = check.message;
      out.className = check.agrees ? "muted" : "doc-error";
      out.hidden = false;
    } catch (err) {
      showError(messageOf(err));
    }
  });
}
