// Bilans: each active programme's progress to its targets, the stock on sale, and the funder's
// report of a programme over a period (PDF with a chart, or CSV for a spreadsheet) in two
// clicks. The core computes every figure and hides counts of one or two people.
import { api, messageOf, type AppInfo, type Cell, type ClosingsView } from "./api";
import { documentRow } from "./documents";
import { $, el, euros, fillSelect, showError, showStatus } from "./dom";

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

function frTimestamp(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short" }).format(date);
}

function renderClosings(view: ClosingsView) {
  $<HTMLSelectElement>("fiscal-month").value = String(view.fiscal_year_first_month);
  $("closings-list").replaceChildren(
    ...(view.closings.length
      ? view.closings.map((c) => {
          const li = el("li", undefined, "document");
          li.dataset.key = c.key;
          li.append(el("strong", c.label), el("span", ` net ${euros(c.net)} — ${c.made_by}, ${frTimestamp(c.made_at)} `, "muted"));
          const print = el("button", "Imprimer", "secondary");
          print.type = "button";
          print.addEventListener("click", async () => {
            try {
              const made = await api.documentMake("closing", c.key, true);
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
  if (target !== null) {
    const p = el("progress") as HTMLProgressElement;
    p.max = target;
    p.value = typeof people === "number" ? Math.min(people, target) : 0;
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
    const d = await api.dashboard();
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
        : [el("p", "Aucun programme en cours.", "muted")]),
    );
    $("dash-stock").replaceChildren(
      ...d.stock.map((s) => {
        const tr = el("tr");
        tr.append(el("td", labels[s.kind] ?? s.kind), el("td", s.category ?? "—"), el("td", String(s.available)));
        return tr;
      }),
    );
    renderClosings(await api.closingsList());
  } catch (err) {
    showError(messageOf(err));
  }
  $<HTMLSelectElement>("report-programme").focus();
}

async function make(csv: boolean) {
  try {
    const made = await api.reportMake(
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
  fillSelect($("fiscal-month"), MONTHS.map((m, i) => ({ code: String(i + 1), label: m })));
  $("fiscal-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      renderClosings(await api.fiscalYearSave(Number($<HTMLSelectElement>("fiscal-month").value)));
      showError(null);
      showStatus("Premier mois de l'exercice enregistré.");
    } catch (err) {
      showError(messageOf(err));
    }
  });
}
