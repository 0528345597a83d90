// Les prêts, in the Après-vente screen: lend an available device to a person (the agreement
// printed to sign), the loans with where they stand, and for one loan its return (condition,
// deposit), its sale to the borrower, the date after which it may be declared lost and the
// declaration. The core decides everything (eligibility, dates, caps, deposits); this page
// sends what was typed and shows what it answered.
import { failureOf, messageOf } from "./api";
import * as commands from "./gen/commands";
import type { AppInfo } from "./gen/AppInfo";
import type { Choices } from "./gen/Choices";
import type { Loan } from "./gen/Loan";
import type { Made } from "./gen/Made";
import { documentRow } from "./documents";
import { $, el, fillSelect, frDate, openableRow, showError, showStatus } from "./dom";

let personId: number | null = null;
let current: Loan | null = null;

function showMade(made: Made[]) {
  $("after-docs").replaceChildren(...made.map(documentRow));
}

function showFailure(err: unknown, box: HTMLElement) {
  const failure = failureOf(err);
  messageOf(err);
  box.textContent = [failure.message, ...failure.fields.map((f) => f.message)].join("\n");
  box.hidden = false;
}

function renderLoans(rows: Loan[]) {
  $("loans-rows").replaceChildren(
    ...rows.map((l) => {
      const tr = openableRow(l.number, "mono", `Ouvrir le prêt ${l.number}`, () => $("loan-tag"), () => openLoan(l));
      tr.dataset.number = l.number;
      tr.append(el("td", `${l.tag} · ${l.designation}`), el("td", l.person), el("td", l.status, l.days_late > 0 ? "doc-error" : undefined));
      return tr;
    }),
  );
}

export async function refreshLoans() {
  try {
    renderLoans(await commands.loans_list($<HTMLInputElement>("loans-all").checked));
  } catch (err) {
    showError(messageOf(err));
  }
}

function openLoan(l: Loan) {
  current = l;
  $("loan-box").hidden = false;
  $("loan-box-errors").hidden = true;
  $("loan-box-title").textContent = `Prêt n° ${l.number}`;
  $("loan-summary").textContent = `${l.tag} (${l.designation}) prêté à ${l.person} (programme ${l.programme}) ; dépôt : ${l.deposit_text}. ${l.status}.`;
  const open = l.end === null;
  for (const id of ["loan-return-form", "loan-convert-form", "loan-lost-form"]) $(id).hidden = !open;
  if (!open) return;
  $<HTMLFormElement>("loan-return-form").reset();
  $<HTMLFormElement>("loan-convert-form").reset();
  $<HTMLInputElement>("loan-lost-after").value = frDate(l.lost_after);
  $<HTMLButtonElement>("loan-declare-lost").disabled = !l.may_be_declared_lost;
  $<HTMLSelectElement>("loan-condition").focus();
}

async function afterAct(loan: Loan, made: Made[], message: string) {
  showMade(made);
  showStatus(message);
  openLoan(loan);
  await refreshLoans();
}

export function startLoans(info: AppInfo, choices: Promise<Choices>) {
  fillSelect($("loan-programme"), info.people.lending);
  void choices.then((c) => {
    fillSelect($("loan-condition"), c.conditions);
    fillSelect($("loan-deposit-method"), c.deposit_methods);
    fillSelect($("loan-pay-method"), c.refunds);
  });
  $("loans-all").addEventListener("change", () => void refreshLoans());

  $("loan-person-search").addEventListener("keydown", async (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    try {
      const found = await commands.people_search($<HTMLInputElement>("loan-person-search").value);
      $("loan-person-results").replaceChildren(
        ...found.slice(0, 8).map((p) => {
          const li = el("li");
          const b = el("button", `${p.last_name} ${p.first_name} · ${frDate(p.birth_date)} · n° ${p.id}`, "secondary");
          b.type = "button";
          b.addEventListener("click", () => {
            personId = p.id;
            $("loan-person").textContent = `Emprunteur : ${p.last_name} ${p.first_name} (n° ${p.id})`;
            $("loan-person-results").replaceChildren();
            $<HTMLInputElement>("loan-due").focus();
          });
          li.append(b);
          return li;
        }),
      );
      $("loan-person-results").querySelector<HTMLElement>("button")?.focus();
    } catch (err) {
      showError(messageOf(err));
    }
  });

  $<HTMLFormElement>("loan-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("loan-errors").hidden = true;
    if (personId === null) {
      $("loan-errors").textContent = "Choisissez l'emprunteur (nom ou téléphone, puis Entrée).";
      $("loan-errors").hidden = false;
      return;
    }
    try {
      const done = await commands.loan_lend(
        {
          tag: $<HTMLInputElement>("loan-tag").value,
          person_id: personId,
          programme: $<HTMLSelectElement>("loan-programme").value,
          due_on: $<HTMLInputElement>("loan-due").value,
          deposit: $<HTMLInputElement>("loan-deposit").value,
          deposit_method: $<HTMLSelectElement>("loan-deposit-method").value,
          deposit_reference: $<HTMLInputElement>("loan-cheque").value,
        },
        true,
      );
      $<HTMLFormElement>("loan-form").reset();
      personId = null;
      $("loan-person").textContent = "Aucune personne choisie.";
      await afterAct(done.loan, done.made, `Prêt n° ${done.loan.number} enregistré : convention de prêt imprimée, à signer.`);
    } catch (err) {
      showFailure(err, $("loan-errors"));
    }
  });

  $<HTMLFormElement>("loan-return-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    try {
      const done = await commands.loan_give_back(
        {
          number: current.number,
          condition: $<HTMLSelectElement>("loan-condition").value,
          notes: $<HTMLInputElement>("loan-notes").value,
          keep_deposit: $<HTMLInputElement>("loan-keep-deposit").checked,
        },
        true,
      );
      await afterAct(done.loan, done.made, `Prêt n° ${done.loan.number} rendu : attestation de retour imprimée.`);
    } catch (err) {
      showFailure(err, $("loan-box-errors"));
    }
  });

  $<HTMLFormElement>("loan-convert-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    const amount = $<HTMLInputElement>("loan-pay-amount").value.trim();
    try {
      const done = await commands.loan_convert(
        {
          number: current.number,
          programme: null,
          price: $<HTMLInputElement>("loan-price").value,
          payments: amount ? [{ method: $<HTMLSelectElement>("loan-pay-method").value, amount, reference: null }] : [],
          use_deposit: $<HTMLInputElement>("loan-use-deposit").checked,
        },
        true,
      );
      await afterAct(done.loan, done.made, `Prêt n° ${done.loan.number} transformé en vente : ticket n° ${done.loan.end?.receipt ?? ""}.`);
    } catch (err) {
      showFailure(err, $("loan-box-errors"));
    }
  });

  $<HTMLFormElement>("loan-lost-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!current) return;
    try {
      const loan = await commands.loan_lost_after(current.number, $<HTMLInputElement>("loan-lost-after").value);
      await afterAct(loan, [], `Prêt n° ${loan.number} : peut être déclaré perdu après le ${frDate(loan.lost_after)}.`);
    } catch (err) {
      showFailure(err, $("loan-box-errors"));
    }
  });
  $("loan-declare-lost").addEventListener("click", async () => {
    if (!current) return;
    try {
      const loan = await commands.loan_declare_lost(current.number);
      await afterAct(loan, [], `Prêt n° ${loan.number} déclaré perdu : l'appareil sort du stock, le dépôt est conservé.`);
    } catch (err) {
      showFailure(err, $("loan-box-errors"));
    }
  });
}
