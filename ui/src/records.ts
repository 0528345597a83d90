// Erasure and functional test records from the stock screen: the computers, tablets and phones
// that still lack one, by batch (delivery file), and one form that records an erasure (with
// its certificate file) or a test for a whole batch at once. The core checks everything
// (dates, the PDF and its size) and says what is wrong; this page only shows what it answered.
import { failureOf, messageOf } from "./api";
import * as commands from "./gen/commands";
import type { LackingBatch } from "./gen/LackingBatch";
import type { RecordInput } from "./gen/RecordInput";
import { $, el, showError, showFailure, showStatus } from "./dom";

const panel = $("records-panel");
const form = $<HTMLFormElement>("record-form");
let target: { kind: "erasure" | "test"; batch: number | null; tags: string[] } | null = null;

function field(name: string): HTMLInputElement {
  return form.elements.namedItem(name) as HTMLInputElement;
}

function openForm(kind: "erasure" | "test", batch: LackingBatch) {
  target = { kind, batch: batch.batch, tags: batch.batch === null ? batch.devices.map((d) => d.tag) : [] };
  form.reset();
  $("record-errors").hidden = true;
  const erasure = kind === "erasure";
  $("record-form-title").textContent = `${erasure ? "Effacement des données" : "Test de fonctionnement"} — ${batch.label}`;
  $("record-method-label").hidden = !erasure;
  $("record-file-label").hidden = !erasure;
  $("record-grade-label").hidden = erasure;
  $("record-reference-label").firstChild!.textContent = erasure ? "Référence du certificat * " : "Référence du rapport de test ";
  form.hidden = false;
  (erasure ? field("method") : field("on")).focus();
}

function render(batches: LackingBatch[]) {
  const count = batches.reduce((n, b) => n + b.devices.length, 0);
  $("records-summary").textContent = count === 0
    ? "Tous les ordinateurs, tablettes et téléphones en stock ont leurs relevés d'effacement et de test."
    : `${count} appareil(s) sans relevé complet : leur vente sera refusée tant qu'il manque un relevé.`;
  $("records-batches").replaceChildren(
    ...batches.map((batch) => {
      const box = el("section", undefined, "records-batch");
      box.append(el("h3", batch.label));
      const list = el("ul", undefined, "history");
      list.append(...batch.devices.map((d) => el("li", `${d.tag} · ${d.label} — manque : ${d.missing.join(", ")}`)));
      const actions = el("p", undefined, "actions");
      const whole = batch.batch === null ? "ces appareils" : "tout le lot";
      const erasure = el("button", `Effacement pour ${whole}`);
      erasure.type = "button";
      erasure.dataset.batch = String(batch.batch ?? "");
      erasure.addEventListener("click", () => openForm("erasure", batch));
      const test = el("button", `Test pour ${whole}`, "secondary");
      test.type = "button";
      test.addEventListener("click", () => openForm("test", batch));
      actions.append(erasure, test);
      box.append(list, actions);
      return box;
    }),
  );
}

async function refresh() {
  try {
    render(await commands.records_lacking());
  } catch (err) {
    showError(messageOf(err));
  }
}

export function startRecords(open: (panel: HTMLElement) => void, close: () => void, changed: () => void) {
  $("records-open").addEventListener("click", () => {
    form.hidden = true;
    open(panel);
    void refresh();
  });
  $("records-close").addEventListener("click", close);
  $("record-cancel").addEventListener("click", () => {
    form.hidden = true;
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!target) return;
    const file = $<HTMLInputElement>("record-file").files?.[0];
    const input: RecordInput = {
      kind: target.kind,
      batch: target.batch,
      tags: target.tags,
      method: target.kind === "erasure" ? field("method").value : "",
      on: field("on").value,
      by: field("by").value,
      reference: field("reference").value,
      grade: target.kind === "test" ? field("grade").value : "",
      certificate_name: file ? file.name : null,
      certificate: file ? Array.from(new Uint8Array(await file.arrayBuffer())) : null,
    };
    try {
      const done = await commands.device_record(input);
      form.hidden = true;
      showStatus(`${done.kind === "erasure" ? "Effacement" : "Test"} enregistré pour ${done.tags.length} appareil(s).`
        + (done.certificate_sha256 ? ` Certificat gardé dans la base (SHA-256 ${done.certificate_sha256.slice(0, 16)}…).` : ""));
      changed();
      await refresh();
    } catch (err) {
      showFailure(failureOf(err), form, $("record-errors"));
    }
  });
}
