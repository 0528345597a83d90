// Documents handed out: the panel that offers to print them, shows what happened to each
// (printed, or why not) and lets the médiateur retry, open or save a copy. The PDFs are made
// and kept by the core; a printing failure never touches the sale.
import { failureOf, messageOf } from "./api";
import * as commands from "./gen/commands";
import type { Made } from "./gen/Made";
import { $, el, showError } from "./dom";

let openSettings: () => void = () => {};

export function onOpenSettings(open: () => void) {
  openSettings = open;
}

function printedText(made: Made): string {
  if (made.printed) {
    const job = made.printed.job ? ` (travail ${made.printed.job})` : "";
    return `envoyé à l'imprimante ${made.printed.printer ?? "par défaut"}${job}.`;
  }
  return "prêt.";
}

export function documentRow(made: Made): HTMLElement {
  const li = el("li", undefined, "document");
  const name = el("strong", made.title + (made.copy > 0 ? ` — COPIE n° ${made.copy}` : ""));
  const status = el("span", made.print_error ? made.print_error.message : printedText(made), made.print_error ? "doc-error" : "doc-ok");
  status.setAttribute("role", made.print_error ? "alert" : "status");
  const actions = el("span", undefined, "actions");
  const print = el("button", made.print_error ? "Réessayer l'impression" : "Imprimer", "secondary");
  print.type = "button";
  print.addEventListener("click", async () => {
    try {
      const job = await commands.document_print(made.file_name, made.title);
      made.printed = job;
      made.print_error = null;
    } catch (err) {
      made.print_error = { ...failureOf(err), code: "print_failed" };
    }
    li.replaceWith(documentRow(made));
  });
  const open = el("button", "Ouvrir", "secondary");
  open.type = "button";
  open.addEventListener("click", () => commands.document_open(made.file_name).catch((err) => showError(messageOf(err))));
  const save = el("button", "Enregistrer sous…", "secondary");
  save.type = "button";
  save.addEventListener("click", async () => {
    try {
      const to = await commands.document_save_as(made.file_name);
      if (to) status.textContent = `enregistré : ${to}`;
    } catch (err) {
      showError(messageOf(err));
    }
  });
  actions.append(print, open, save);
  li.append(name, " : ", status, actions);
  li.dataset.file = made.file_name;
  return li;
}

/** Shows the documents made, with what is missing from the settings, if anything. */
export function showMade(made: Made[]) {
  const missing = [...new Set(made.flatMap((m) => m.missing))];
  const notice = $("docs-missing");
  notice.hidden = missing.length === 0;
  if (missing.length) {
    const go = el("button", "Compléter les Réglages", "secondary");
    go.type = "button";
    go.addEventListener("click", () => openSettings());
    notice.replaceChildren(el("span", `Il manque ${missing.join(", ")} sur les documents. `), go);
  }
  $("docs-list").replaceChildren(...made.map(documentRow));
}

export interface DocumentAction { label: string; make: () => Promise<Made[]> }

/** Offers the actions that make and print documents (« Imprimer le ticket et la fiche »…). */
export function offerDocuments(title: string, actions: DocumentAction[], focus = true) {
  const panel = $("docs");
  panel.hidden = false;
  $("docs-title").textContent = title;
  $("docs-missing").hidden = true;
  $("docs-list").replaceChildren();
  const buttons = actions.map((action, i) => {
    const go = el("button", action.label, i === 0 ? undefined : "secondary");
    go.type = "button";
    go.addEventListener("click", async () => {
      go.disabled = true;
      try {
        showMade(await action.make());
        showError(null);
      } catch (err) {
        showError(messageOf(err));
      }
      go.disabled = false;
    });
    return go;
  });
  $("docs-actions").replaceChildren(...buttons);
  if (focus) buttons[0]?.focus();
}
