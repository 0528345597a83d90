// Data at rest: the age of the last good backup, always in the top bar (a warning past 48 h);
// the backup folder, « Sauvegarder maintenant », restore; the recovery phrase, shown until
// someone notes it. The core makes, checks and refuses; this file only shows.
import { codeOf, messageOf } from "./api";
import * as commands from "./gen/commands";
import type { SafetyView as Safety } from "./gen/SafetyView";
import { $, el, showError, showStatus } from "./dom";


function renderBar(s: Safety) {
  const bar = $("backup");
  bar.classList.toggle("backup-warn", s.backup.warning);
  bar.textContent = s.backup.short;
  bar.title = s.backup.message;
}

function renderPanel(s: Safety) {
  $("backup-message").textContent = s.backup.message;
  const facts: [string, string][] = [
    ["Base chiffrée", s.encrypted ? "oui (clé dans le trousseau du système)" : "non"],
    ["Dossier", s.backup.folder + (s.backup.folder_is_default ? " (sur ce poste)" : "")],
    ["Phrase de secours", s.phrase_pending ? "pas encore notée" : "notée"],
  ];
  $("backup-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
  $("backup-list").replaceChildren(
    ...(s.recent_lines.length === 0 ? [el("li", "Aucune sauvegarde pour l'instant : « Sauvegarder maintenant » en fait une ; Comptoir en fait aussi une chaque jour.", "muted")] : []),
    ...s.recent_lines.map((line) => el("li", line)),
  );
}

export async function refreshSafety(): Promise<Safety | null> {
  try {
    const s = await commands.safety_status();
    renderBar(s);
    renderPanel(s);
    return s;
  } catch (err) {
    $("backup").textContent = "Sauvegarde : état illisible";
    $("backup").title = messageOf(err);
    return null;
  }
}

/** The phrase dialog (for a manager, or the single user of a desk without profiles). */
export async function showPhrase(quiet = false): Promise<boolean> {
  let words: string[];
  try {
    words = await commands.recovery_phrase();
  } catch (err) {
    // At start, someone who is not a manager simply does not see it.
    if (!quiet) showError(messageOf(err));
    return false;
  }
  $("phrase-words").replaceChildren(...words.map((w) => el("li", w)));
  $("phrase-error").textContent = "";
  $<HTMLDialogElement>("phrase-dialog").showModal();
  $("phrase-noted").focus();
  return true;
}

/** The phrase a restore that warned was asked with, for « Restaurer quand même ». */
let olderPhrase: string | null = null;

export function startSafety(openSettings: () => void, offerPhrase: boolean) {
  $("backup").addEventListener("click", openSettings);
  const dlg = $<HTMLDialogElement>("phrase-dialog");
  dlg.addEventListener("cancel", (e) => e.preventDefault());
  $("phrase-noted").addEventListener("click", async () => {
    try {
      renderPanel(await commands.recovery_phrase_noted());
      dlg.close();
      showStatus("Phrase de secours notée.");
    } catch (err) {
      $("phrase-error").textContent = messageOf(err);
    }
  });
  $("phrase-later").addEventListener("click", () => dlg.close());
  $("phrase-print").addEventListener("click", async () => {
    try {
      const job = await commands.recovery_phrase_print();
      $("phrase-error").textContent = "";
      showStatus(`Phrase de secours envoyée à l'imprimante ${job.printer ?? ""}.`);
    } catch (err) {
      $("phrase-error").textContent = messageOf(err);
    }
  });
  $("phrase-show").addEventListener("click", () => void showPhrase());
  const button = (id: string, work: () => Promise<void>) =>
    $(id).addEventListener("click", async () => {
      const b = $<HTMLButtonElement>(id);
      b.disabled = true;
      try {
        await work();
        showError(null);
      } catch (err) {
        showError(messageOf(err));
      }
      b.disabled = false;
      await refreshSafety();
    });
  button("backup-now", async () => {
    const made = await commands.backup_now();
    showStatus(`Sauvegarde faite et vérifiée : ${made.record.file}`);
  });
  button("backup-folder", async () => {
    if (await commands.backup_folder_choose()) showStatus("Dossier des sauvegardes enregistré.");
  });
  button("backup-default", async () => {
    await commands.backup_folder_default();
    showStatus("Les sauvegardes vont dans le dossier par défaut, sur ce poste.");
  });
  // On success Comptoir starts again on the restored database. A backup older than this
  // database comes back with the core's warning: restored only once confirmed.
  const restore = async (phrase: string | null, older: boolean) => {
    $("restore-older").hidden = true;
    try {
      await commands.backup_restore(phrase, older);
    } catch (err) {
      if (codeOf(err) !== "older_backup") throw err;
      $("restore-older-text").textContent = messageOf(err);
      $("restore-older").hidden = false;
      olderPhrase = phrase;
      $<HTMLButtonElement>("restore-older-cancel").focus();
    }
  };
  button("backup-restore", () => restore(null, false));
  button("restore-older-confirm", () => restore(olderPhrase, true));
  $("restore-older-cancel").addEventListener("click", () => {
    $("restore-older").hidden = true;
  });
  void refreshSafety().then((s) => {
    if (offerPhrase && s?.phrase_pending) void showPhrase(true);
  });
  setInterval(() => void refreshSafety(), 60_000);
}

/** The database is encrypted and this machine's keyring has lost its key: the phrase. */
export function startKeyRecovery() {
  const form = $<HTMLFormElement>("recover-form");
  form.hidden = false;
  $("view-stock").hidden = true;
  $<HTMLTextAreaElement>("recover-phrase").focus();
  const phrase = () => $<HTMLTextAreaElement>("recover-phrase").value;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await commands.key_recover(phrase());
    } catch (err) {
      showError(messageOf(err));
    }
  });
  $("recover-restore").addEventListener("click", async () => {
    try {
      await commands.backup_restore(phrase(), false);
    } catch (err) {
      showError(messageOf(err));
    }
  });
}
