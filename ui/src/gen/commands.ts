// Generated from the window's commands (src-tauri/src/commands/) by tests/it/contract.rs.
// Do not edit: change the command, then run scripts/contract.
import { invoke } from "@tauri-apps/api/core";
import type { Advice } from "./Advice";
import type { Answers } from "./Answers";
import type { AppInfo } from "./AppInfo";
import type { BackupMade } from "./BackupMade";
import type { CartQuote } from "./CartQuote";
import type { CashReport } from "./CashReport";
import type { CentreInput } from "./CentreInput";
import type { CentreView } from "./CentreView";
import type { Choices } from "./Choices";
import type { ClosingsView } from "./ClosingsView";
import type { ConvertInput } from "./ConvertInput";
import type { CreditNote } from "./CreditNote";
import type { Dashboard } from "./Dashboard";
import type { DeskView } from "./DeskView";
import type { Device } from "./Device";
import type { DeviceDetail } from "./DeviceDetail";
import type { DeviceKind } from "./DeviceKind";
import type { DocumentKind } from "./DocumentKind";
import type { Donor } from "./Donor";
import type { FirstRun } from "./FirstRun";
import type { GiveBackInput } from "./GiveBackInput";
import type { Health } from "./Health";
import type { HubCheck } from "./HubCheck";
import type { ImportReport } from "./ImportReport";
import type { JournalPage } from "./JournalPage";
import type { JournalQuery } from "./JournalQuery";
import type { JournalState } from "./JournalState";
import type { LackingBatch } from "./LackingBatch";
import type { LineCorrected } from "./LineCorrected";
import type { ListQuery } from "./ListQuery";
import type { Loan } from "./Loan";
import type { LoanDone } from "./LoanDone";
import type { LoanInput } from "./LoanInput";
import type { Made } from "./Made";
import type { OutcomeInput } from "./OutcomeInput";
import type { Paper } from "./Paper";
import type { PaymentMethod } from "./PaymentMethod";
import type { PersonDecision } from "./PersonDecision";
import type { PersonInput } from "./PersonInput";
import type { PersonPage } from "./PersonPage";
import type { PersonSummary } from "./PersonSummary";
import type { PosState } from "./PosState";
import type { Preview } from "./Preview";
import type { PrintJob } from "./PrintJob";
import type { Printer } from "./Printer";
import type { PrivacyView } from "./PrivacyView";
import type { ProgrammeInfo } from "./ProgrammeInfo";
import type { PurgeReport } from "./PurgeReport";
import type { Quote } from "./Quote";
import type { RecordInput } from "./RecordInput";
import type { Recorded } from "./Recorded";
import type { RecyclingBatch } from "./RecyclingBatch";
import type { RecyclingCandidate } from "./RecyclingCandidate";
import type { RecyclingInput } from "./RecyclingInput";
import type { RecyclingRecorded } from "./RecyclingRecorded";
import type { RegisterView } from "./RegisterView";
import type { RestoreDeclared } from "./RestoreDeclared";
import type { ReturnClosed } from "./ReturnClosed";
import type { ReturnInput } from "./ReturnInput";
import type { ReturnOpened } from "./ReturnOpened";
import type { ReturnPreview } from "./ReturnPreview";
import type { Role } from "./Role";
import type { RoundReport } from "./RoundReport";
import type { SafetyView } from "./SafetyView";
import type { SaleDocuments } from "./SaleDocuments";
import type { SaleInput } from "./SaleInput";
import type { SaleRecord } from "./SaleRecord";
import type { SaleSummary } from "./SaleSummary";
import type { StockAction } from "./StockAction";
import type { StockSummary } from "./StockSummary";
import type { SyncStatus } from "./SyncStatus";
import type { WarrantyReturn } from "./WarrantyReturn";

export function aftersales_choices(): Promise<Choices> {
  return invoke("aftersales_choices");
}

/**
 * What a return would cover: the device a code names, or those a receipt handed over.
 */
export function return_candidates(code: string): Promise<Array<ReturnPreview>> {
  return invoke("return_candidates", { code });
}

export function return_open(input: ReturnInput, print: boolean): Promise<ReturnOpened> {
  return invoke("return_open", { input, print });
}

export function return_close(input: OutcomeInput, print: boolean): Promise<ReturnClosed> {
  return invoke("return_close", { input, print });
}

/**
 * Returns: the open ones (age, deadline), and the ended ones too when `all`.
 */
export function returns_list(all: boolean): Promise<Array<WarrantyReturn>> {
  return invoke("returns_list", { all });
}

export function recycling_candidates(): Promise<Array<RecyclingCandidate>> {
  return invoke("recycling_candidates");
}

export function recycling_record(input: RecyclingInput, print: boolean): Promise<RecyclingRecorded> {
  return invoke("recycling_record", { input, print });
}

export function recycling_list(): Promise<Array<RecyclingBatch>> {
  return invoke("recycling_list");
}

/**
 * A receipt, onboarding sheet, credit note or closing report (a reprint is a numbered copy).
 */
export function document_make(kind: DocumentKind, reference: string, paper: Paper | null, print: boolean): Promise<Made> {
  return invoke("document_make", { kind, reference, paper, print });
}

/**
 * After a sale, in one action: the receipt and the onboarding sheet, printed; a receipt whose
 * original waits for Réglages is named in `waiting`.
 */
export function sale_documents(receipt: string, print: boolean): Promise<SaleDocuments> {
  return invoke("sale_documents", { receipt, print });
}

/**
 * Prints again a document already made (after a printer failure).
 */
export function document_print(fileName: string, title: string): Promise<PrintJob> {
  return invoke("document_print", { fileName, title });
}

export function document_open(fileName: string): Promise<null> {
  return invoke("document_open", { fileName });
}

/**
 * « Enregistrer sous… »: the system's save dialog, then a copy. None when cancelled.
 */
export function document_save_as(fileName: string): Promise<string | null> {
  return invoke("document_save_as", { fileName });
}

/**
 * The dashboard: each active programme's progress to its targets, and the stock on sale.
 */
export function dashboard(): Promise<Dashboard> {
  return invoke("dashboard");
}

/**
 * A funder's report, as PDF or CSV, kept in the documents folder like the other documents.
 */
export function report_make(programme: string, from: string, to: string, csv: boolean): Promise<Made> {
  return invoke("report_make", { programme, from, to, csv });
}

/**
 * The donors of the stock, for the donor report's list.
 */
export function donors_list(): Promise<Array<Donor>> {
  return invoke("donors_list");
}

/**
 * A donor's report over a period (dates as typed): its PDF, or its CSV export.
 */
export function donor_report_make(donor: string, from: string, to: string, csv: boolean): Promise<Made> {
  return invoke("donor_report_make", { donor, from, to, csv });
}

export function app_info(): Promise<AppInfo> {
  return invoke("app_info");
}

/**
 * The page has painted its first screen: the time since launch, logged once (the figure
 * `scripts/measure-app` reads).
 */
export function first_paint(): Promise<number> {
  return invoke("first_paint");
}

/**
 * Loans: the open ones, and the ended ones too when `all`.
 */
export function loans_list(all: boolean): Promise<Array<Loan>> {
  return invoke("loans_list", { all });
}

export function loan_lend(input: LoanInput, print: boolean): Promise<LoanDone> {
  return invoke("loan_lend", { input, print });
}

export function loan_give_back(input: GiveBackInput, print: boolean): Promise<LoanDone> {
  return invoke("loan_give_back", { input, print });
}

export function loan_lost_after(number: string, date: string): Promise<Loan> {
  return invoke("loan_lost_after", { number, date });
}

export function loan_declare_lost(number: string): Promise<Loan> {
  return invoke("loan_declare_lost", { number });
}

/**
 * A loan turned into a sale, with the receipt and onboarding sheet.
 */
export function loan_convert(input: ConvertInput, print: boolean): Promise<LoanDone> {
  return invoke("loan_convert", { input, print });
}

/**
 * The sync status line: last success, events waiting, last error, conflicts.
 */
export function sync_status(): Promise<SyncStatus> {
  return invoke("sync_status");
}

export function sync_now(): Promise<RoundReport> {
  return invoke("sync_now");
}

/**
 * « Vérifier avec le réseau »: the journal checked against the heads the hub kept.
 */
export function journal_verify_hub(): Promise<HubCheck> {
  return invoke("journal_verify_hub");
}

/**
 * Saves the hub's address and the centre, and the token when one is typed (to the keyring).
 */
export function hub_save(url: string, centre: string, token: string | null): Promise<SyncStatus> {
  return invoke("hub_save", { url, centre, token });
}

/**
 * « Tester la connexion »: the address, the token and the centre.
 */
export function hub_test(): Promise<Health> {
  return invoke("hub_test");
}

export function people_search(text: string): Promise<Array<PersonSummary>> {
  return invoke("people_search", { text });
}

export function person_show(id: number): Promise<PersonPage> {
  return invoke("person_show", { id });
}

/**
 * Creates a person, or updates one when `id` is given. A likely duplicate comes back as the
 * error `likely_duplicate` unless `force`.
 */
export function person_save(id: number | null, input: PersonInput, force: boolean): Promise<PersonPage> {
  return invoke("person_save", { id, input, force });
}

export function proof_add(id: number, kind: string, issued: string): Promise<PersonPage> {
  return invoke("proof_add", { id, kind, issued });
}

export function eligibility_check(id: number, kind: DeviceKind | null): Promise<PersonDecision> {
  return invoke("eligibility_check", { id, kind });
}

export function eligibility_override(id: number, programme: string, reason: string, kind: DeviceKind | null): Promise<PersonDecision> {
  return invoke("eligibility_override", { id, programme, reason, kind });
}

/**
 * Merges the duplicate record into the one shown (a manager's act; reason required).
 */
export function person_merge(keep: number, duplicate: string, reason: string): Promise<PersonPage> {
  return invoke("person_merge", { keep, duplicate, reason });
}

export function diagnostic_advise(answers: Answers): Promise<Advice> {
  return invoke("diagnostic_advise", { answers });
}

/**
 * Equipment the household received elsewhere (kind, date, from whom); then the person's file.
 */
export function equipment_add(id: number, kind: DeviceKind, date: string, source: string): Promise<PersonPage> {
  return invoke("equipment_add", { id, kind, date, source });
}

/**
 * The point of sale as it stands (the journal's verification made once, at the first ask).
 */
export function pos_state(): Promise<PosState> {
  return invoke("pos_state");
}

export function session_open(float: string): Promise<CashReport> {
  return invoke("session_open", { float });
}

export function session_report(): Promise<CashReport> {
  return invoke("session_report");
}

export function session_close(counted: { [key in string]?: string }, comment: string): Promise<CashReport> {
  return invoke("session_close", { counted, comment });
}

export function sale_quote(code: string, programme: string | null): Promise<Quote> {
  return invoke("sale_quote", { code, programme });
}

/**
 * The cart as the form holds it, quoted by the core: each line's band and total, the sale's
 * total, what is paid, the change (the window computes nothing).
 */
export function sale_cart(input: SaleInput): Promise<CartQuote> {
  return invoke("sale_cart", { input });
}

export function sale_create(input: SaleInput): Promise<SaleRecord> {
  return invoke("sale_create", { input });
}

export function sale_cancel(receipt: string, line: number | null, reason: string, refund: PaymentMethod, defective: boolean): Promise<CreditNote> {
  return invoke("sale_cancel", { receipt, line, reason, refund, defective });
}

export function sale_correct_line(receipt: string, line: number, toTag: string, reason: string): Promise<LineCorrected> {
  return invoke("sale_correct_line", { receipt, line, toTag, reason });
}

export function sales_list(): Promise<Array<SaleSummary>> {
  return invoke("sales_list");
}

export function sale_show(receipt: string): Promise<SaleRecord> {
  return invoke("sale_show", { receipt });
}

/**
 * The closings made (Comptoir makes them as each period ends), and the financial year's first
 * month.
 */
export function closings_list(): Promise<ClosingsView> {
  return invoke("closings_list");
}

/**
 * The first month of the financial year (a manager).
 */
export function fiscal_year_save(month: string): Promise<ClosingsView> {
  return invoke("fiscal_year_save", { month });
}

/**
 * Le journal: its state (the verification made at start, the last full check), and the
 * filters' choices.
 */
export function journal_state(): Promise<JournalState> {
  return invoke("journal_state");
}

/**
 * « Vérifier »: the whole chain now (who did it is recorded).
 */
export function journal_verify(): Promise<JournalState> {
  return invoke("journal_verify");
}

/**
 * « Déclarer la reprise » after an older backup was restored (a manager).
 */
export function journal_declare_restore(): Promise<RestoreDeclared> {
  return invoke("journal_declare_restore");
}

/**
 * A page of the journal's entries, newest first, filtered.
 */
export function journal_list(filter: JournalQuery): Promise<JournalPage> {
  return invoke("journal_list", { filter });
}

/**
 * This register's codes in receipt numbers (Réglages).
 */
export function register_show(): Promise<RegisterView> {
  return invoke("register_show");
}

/**
 * Sets the centre and register codes (refused once this register has sales).
 */
export function register_save(centreCode: string, registerCode: string): Promise<RegisterView> {
  return invoke("register_save", { centreCode, registerCode });
}

export function safety_status(): Promise<SafetyView> {
  return invoke("safety_status");
}

/**
 * « Sauvegarder maintenant », off the window's thread.
 */
export function backup_now(): Promise<BackupMade> {
  return invoke("backup_now");
}

/**
 * « Choisir le dossier… » (a manager): the system's folder dialog. None when cancelled.
 */
export function backup_folder_choose(): Promise<SafetyView | null> {
  return invoke("backup_folder_choose");
}

export function backup_folder_default(): Promise<SafetyView> {
  return invoke("backup_folder_default");
}

/**
 * « Restaurer une sauvegarde… » (a manager): the file dialog, the checks, then Comptoir
 * starts again on the restored database. False when cancelled. A backup older than this
 * database is refused with the warning (`older_backup`); `older` then restores the file
 * chosen for it (« Restaurer quand même »), without a second dialog.
 */
export function backup_restore(phrase: string | null, older: boolean): Promise<boolean> {
  return invoke("backup_restore", { phrase, older });
}

/**
 * The recovery phrase (a manager, or the single user of a desk without profiles).
 */
export function recovery_phrase(): Promise<Array<string>> {
  return invoke("recovery_phrase");
}

export function recovery_phrase_noted(): Promise<SafetyView> {
  return invoke("recovery_phrase_noted");
}

/**
 * Prints the recovery sheet from a temporary file, removed once handed to the printer.
 */
export function recovery_phrase_print(): Promise<PrintJob> {
  return invoke("recovery_phrase_print");
}

/**
 * The keyring lost the key: the recovery phrase puts it back, then Comptoir starts again.
 */
export function key_recover(phrase: string): Promise<null> {
  return invoke("key_recover", { phrase });
}

export function centre_show(): Promise<CentreView> {
  return invoke("centre_show");
}

export function centre_save(input: CentreInput): Promise<CentreView> {
  return invoke("centre_save", { input });
}

export function centre_logo(bytes: Array<number> | null): Promise<CentreView> {
  return invoke("centre_logo", { bytes });
}

export function printers_list(): Promise<Array<Printer>> {
  return invoke("printers_list");
}

export function privacy_register(months: string | null): Promise<PrivacyView> {
  return invoke("privacy_register", { months });
}

/**
 * The information notice's text, shown on the person's form.
 */
export function privacy_notice(): Promise<string> {
  return invoke("privacy_notice");
}

/**
 * Who the retention rule anonymises now (`dry_run`), or does it.
 */
export function privacy_purge(dryRun: boolean): Promise<PurgeReport> {
  return invoke("privacy_purge", { dryRun });
}

/**
 * Everything held about a person: the readable PDF and the JSON, in the documents folder.
 */
export function privacy_export(id: number): Promise<Array<Made>> {
  return invoke("privacy_export", { id });
}

export function privacy_erase(id: number, reason: string): Promise<PersonPage> {
  return invoke("privacy_erase", { id, reason });
}

export function operators_list(): Promise<DeskView> {
  return invoke("operators_list");
}

/**
 * The quick switch: a profile and its PIN (hashed off the window's thread; wrong PINs are
 * counted by the core).
 */
export function operator_switch(name: string, pin: string): Promise<DeskView> {
  return invoke("operator_switch", { name, pin });
}

/**
 * « Ouvrir le dossier des journaux » (Réglages): the log files a volunteer can send.
 */
export function log_folder_open(): Promise<null> {
  return invoke("log_folder_open");
}

/**
 * Someone used the window: the idle time starts again (never unlocks).
 */
export function desk_activity(): Promise<null> {
  return invoke("desk_activity");
}

/**
 * « Verrouiller » : nobody at the desk until a PIN.
 */
export function desk_lock(): Promise<DeskView> {
  return invoke("desk_lock");
}

export function operator_add(name: string, role: Role, pin: string): Promise<DeskView> {
  return invoke("operator_add", { name, role, pin });
}

/**
 * A manager gives a profile a new PIN (forgotten, or locked after five wrong ones).
 */
export function operator_reset_pin(name: string, pin: string): Promise<DeskView> {
  return invoke("operator_reset_pin", { name, pin });
}

export function operator_disable(name: string): Promise<DeskView> {
  return invoke("operator_disable", { name });
}

/**
 * The idle time after which the window locks (a manager, in Réglages).
 */
export function idle_lock_save(minutes: string): Promise<DeskView> {
  return invoke("idle_lock_save", { minutes });
}

/**
 * The first run: the centre, its first manager (now at the desk) and its programme.
 */
export function first_run(input: FirstRun): Promise<DeskView> {
  return invoke("first_run", { input });
}

/**
 * Réglages › Programmes: those in force, and where each comes from.
 */
export function programmes_show(): Promise<Array<ProgrammeInfo>> {
  return invoke("programmes_show");
}

/**
 * Adds or replaces a programme file (a manager; checked first, the previous one kept); the
 * window's programmes are read again.
 */
export function programme_install(name: string, content: string): Promise<Array<ProgrammeInfo>> {
  return invoke("programme_install", { name, content });
}

export function stock_list(query: ListQuery): Promise<Array<Device>> {
  return invoke("stock_list", { query });
}

/**
 * A device's page, from its tag, serial or IMEI (what a scanner types).
 */
export function stock_show(code: string): Promise<DeviceDetail> {
  return invoke("stock_show", { code });
}

export function stock_summary(): Promise<StockSummary> {
  return invoke("stock_summary");
}

/**
 * Check-in, put on sale, defect or return; then the device's page as it now is.
 */
export function stock_apply(tag: string, action: StockAction, reason: string): Promise<DeviceDetail> {
  return invoke("stock_apply", { tag, action, reason });
}

/**
 * A delivery file chosen in the page (its bytes and name): what its import would do, with
 * every error by line and column; nothing is written.
 */
export function delivery_preview(name: string, bytes: Array<number>): Promise<Preview> {
  return invoke("delivery_preview", { name, bytes });
}

/**
 * Imports the delivery file, all or nothing.
 */
export function delivery_import(name: string, bytes: Array<number>): Promise<ImportReport> {
  return invoke("delivery_import", { name, bytes });
}

/**
 * A device typed by hand (a scanner may fill the tag and the serial); then its page.
 */
export function device_add(fields: { [key in string]?: string }): Promise<DeviceDetail> {
  return invoke("device_add", { fields });
}

/**
 * The computers, tablets and phones received or on sale that lack an erasure or test record,
 * by batch (delivery file).
 */
export function records_lacking(): Promise<Array<LackingBatch>> {
  return invoke("records_lacking");
}

/**
 * Records an erasure (with its certificate file, if chosen) or a functional test for a batch
 * or chosen devices.
 */
export function device_record(input: RecordInput): Promise<Recorded> {
  return invoke("device_record", { input });
}
