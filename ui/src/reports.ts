// Bilans: each active programme's progress to its targets, the stock on sale, and the funder's
// report of a programme over a period (PDF with a chart, or CSV for a spreadsheet) in two
// clicks. The core computes every figure and hides counts of one or two people.
import { api, messageOf, type AppInfo, type Cell } from "./api";
import { documentRow } from "./documents";
import { $, el, fillSelect, showError, showStatus } from "./dom";

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
}
