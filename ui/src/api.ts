// Calls into the Comptoir core through the Tauri commands. The types mirror the core's
// serialised structs (src/stock.rs, src/device.rs); every rule stays in the core.
import { invoke } from "@tauri-apps/api/core";

export interface Term { code: string; label: string }
export interface Vocabulary {
  kinds: Term[]; categories: Term[]; states: Term[]; storage_kinds: Term[]; actions: Term[];
}
export interface UiError { code: string; message: string }
export interface PeopleVocabulary {
  catalogue: { publics: Record<string, string>; proof_kinds: Record<string, string> };
  prescribers: Term[]; uses: Term[]; places: Term[]; screens: Term[]; programmes: Term[];
}
export interface AppInfo {
  database: string; operator: string; today: string; vocabulary: Vocabulary; people: PeopleVocabulary;
  startup_error: UiError | null; programmes_error: UiError | null; journal_alert: string | null;
  papers: Term[]; roles: Term[]; first_run: boolean; log_folder: string | null;
}
export interface PersonSummary {
  id: number; last_name: string; first_name: string; birth_date: string | null;
  phone: string | null; household: string | null; commune: string | null;
}
export interface PersonInput {
  last_name: string; first_name: string; birth_date: string | null; phone: string | null;
  email: string | null; postcode: string | null; commune: string | null; household: string | null;
  prescriber: string | null; publics: string[]; rgpd_informed_on: string | null; notes: string | null;
}
export interface Proof { id: number; kind: string; issued: string; checked_by: string; checked_at: string }
export interface Override { programme: string; overridden: string; reason: string; operator: string; at: string }
export interface Person extends Omit<PersonInput, "prescriber"> {
  id: number; prescriber: string | null; merged_into: number | null; proofs: Proof[];
  equipment: { date: string; kind: string; source: string }[]; overrides: Override[];
}
export interface Reason { code: string; message: string }
export interface PersonDecision {
  person_id: number; on: string; label: string; decision: "eligible" | "not_eligible" | "to_review";
  reasons: Reason[]; programmes: string[];
  details: { programme: string; name: string; decision: string; publics: string[]; reasons: Reason[] }[];
  overrides: Override[];
}
export interface SessionInfo { id: number; opened_at: string; opened_by: string; float: number; closed_at: string | null; closed_by: string | null }
export interface CashReport {
  session: SessionInfo; sales: number; credit_notes: number; sales_total: number;
  by_method: Record<string, number>; expected: Record<string, number>;
  counted: Record<string, number> | null; differences: Record<string, number> | null; comment: string | null;
}
export interface PosState {
  session: SessionInfo | null; journal: { entries: number; broken: { seq: number; reason: string } | null };
  journal_message: string; centre_code: string; register_code: string; payment_methods: Term[];
}
export interface Quote { tag: string; kind: string; category: string | null; label: string; band: [number, number] | null; cap: number | null; price: number | null }
export interface SaleRecord {
  uuid: string; receipt: string; person_id: number | null; programme: string | null; at: string; total: number;
  lines: { tag: string | null; kind: string; label: string; quantity: number; unit_price: number }[];
  payments: { method: string; amount: number; reference: string | null }[]; cancelled_by: string | null;
}
export interface SaleSummary { receipt: string; at: string; operator: string; total: number; cancelled_by: string | null }
export interface SaleInput {
  uuid: string; person_id: number | null; programme: string | null;
  devices: { tag: string; price: string | null }[];
  items: { kind: string; quantity: number; unit_price: string | null }[];
  payments: { method: string; amount: string; reference: string | null }[];
}
export interface Suggestion { kind: string; score: number; categories: string[]; why: string[] }
export interface Advice { suggestions: Suggestion[]; devices: Device[] }
export interface Device {
  tag: string; kind: string; category: string | null; state: string;
  brand: string; model: string; serial: string | null; imei: string | null;
}
export interface Fact { label: string; value: string }
export interface DeviceEvent {
  at: string; action: string | null; from_state: string | null; to_state: string;
  operator: string; reason: string;
}
export interface OfferedAction { action: string; label: string; requires_reason: boolean }
export interface DeviceDetail extends Device {
  facts: Fact[]; history: DeviceEvent[]; actions: OfferedAction[];
}
export interface StockSummary {
  total: number; by_state: [string, number][]; available_by_kind: [string, number][];
}
export interface ListQuery {
  kind: string | null; category: string | null; state: string | null; text: string | null;
}

export interface CentreInput {
  name: string; address: string; siret: string; vat_mention: string; help_phone: string; help_email: string;
  help_hours: string; help_url: string; printer: string; paper: string;
}
export interface CentreView {
  settings: { name: string | null; has_logo: boolean; printer: string | null; paper: string };
  form: CentreInput; missing: string[]; papers: Term[];
}
export interface Printer { name: string; is_default: boolean }
export interface PrintJob { printer: string | null; job: string | null }
export interface Made {
  kind: string; reference: string; title: string; file_name: string; copy: number; missing: string[];
  pages: number; printed: PrintJob | null; print_error: UiError | null;
}

export interface SyncStatus {
  configured: { url: string; centre: string } | null; last_success: string | null; last_error: string | null;
  last_attempt: string | null; waiting: number; cursor: number;
  conflicts: { at: string; tag: string | null; message: string }[];
  register_clash: string | null;
}
export interface RoundReport {
  pushed: number; conflicts_reported: number; refused: number; pulled: number; allocated: number;
  recalled: number; programmes: number; new_conflicts: number; cursor: number;
}

export type Cell = number | "< 3";
export interface PublicRow { public: string; label: string; people: Cell; target: number | null; progress: number | null }
export interface Dashboard {
  programmes: { programme_id: string; programme: string; from: string; to: string; people: Cell; devices: Cell; publics: PublicRow[] }[];
  stock: { kind: string; category: string | null; available: number }[];
}

export interface Desk {
  profiles: { name: string; role: string; active: boolean }[]; current: string; locked: boolean; idle_minutes: number; roles: Term[];
}

export interface LineError { line: number; column: string | null; message: string }
export interface DeliveryPreview {
  file_name: string; unchanged: number; already_imported_at: string | null; ignored_columns: string[];
  errors: LineError[];
  to_add: { line: number; tag: string; kind: string; category: string | null; brand: string; model: string; identifier: string | null }[];
}
export interface ImportReport {
  file_name: string; created: number; unchanged: number; already_imported_at: string | null; ignored_columns: string[];
}

export interface ClosingsView {
  fiscal_year_first_month: number;
  closings: { key: string; label: string; period: string; start: string; end: string; net: number; made_at: string; made_by: string }[];
}

export interface JournalState {
  entries: number; head: string; intact: boolean; message: string; verified_at: string | null; verified_by: string | null;
  kinds: Term[]; operators: string[];
}
export interface JournalEntry { seq: number; kind: string; kind_label: string; at: string; operator: string; summary: string; content: unknown; hash: string }
export interface JournalFilter { kind: string | null; operator: string | null; from: string | null; to: string | null; before: number | null; limit: number | null }
export interface JournalPage { entries: JournalEntry[]; total: number; next_before: number | null }

export interface RegisterView { centre_code: string; register_code: string; changeable: boolean; fiscal_year_first_month: number }

export interface ProgrammeInfo {
  id: string; name: string; funder: string; start: string; end: string | null; active: boolean;
  origin: "shipped" | "centre" | "network"; origin_label: string; file: string | null;
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  list: (query: ListQuery) => invoke<Device[]>("stock_list", { query }),
  show: (code: string) => invoke<DeviceDetail>("stock_show", { code }),
  summary: () => invoke<StockSummary>("stock_summary"),
  apply: (tag: string, action: string, reason: string) =>
    invoke<DeviceDetail>("stock_apply", { tag, action, reason }),
  deliveryPreview: (name: string, bytes: number[]) => invoke<DeliveryPreview>("delivery_preview", { name, bytes }),
  deliveryImport: (name: string, bytes: number[]) => invoke<ImportReport>("delivery_import", { name, bytes }),
  deviceAdd: (fields: Record<string, string>) => invoke<DeviceDetail>("device_add", { fields }),
  closingsList: () => invoke<ClosingsView>("closings_list"),
  registerShow: () => invoke<RegisterView>("register_show"),
  programmesShow: () => invoke<ProgrammeInfo[]>("programmes_show"),
  programmeInstall: (name: string, content: string) => invoke<ProgrammeInfo[]>("programme_install", { name, content }),
  registerSave: (centreCode: string, registerCode: string) =>
    invoke<RegisterView>("register_save", { centreCode, registerCode }),
  journalState: () => invoke<JournalState>("journal_state"),
  journalVerify: () => invoke<JournalState>("journal_verify"),
  journalList: (filter: JournalFilter) => invoke<JournalPage>("journal_list", { filter }),
  fiscalYearSave: (month: number) => invoke<ClosingsView>("fiscal_year_save", { month }),
  peopleSearch: (text: string) => invoke<PersonSummary[]>("people_search", { text }),
  personShow: (id: number) => invoke<Person>("person_show", { id }),
  personSave: (id: number | null, input: PersonInput, force: boolean) =>
    invoke<Person>("person_save", { id, input, force }),
  personMerge: (keep: number, duplicate: number, reason: string) =>
    invoke<Person>("person_merge", { keep, duplicate, reason }),
  proofAdd: (id: number, kind: string, issued: string) => invoke<Person>("proof_add", { id, kind, issued }),
  equipmentAdd: (id: number, kind: string, date: string, source: string) =>
    invoke<Person>("equipment_add", { id, kind, date, source }),
  check: (id: number, kind: string | null) => invoke<PersonDecision>("eligibility_check", { id, kind }),
  override: (id: number, programme: string, reason: string, kind: string | null) =>
    invoke<PersonDecision>("eligibility_override", { id, programme, reason, kind }),
  posState: () => invoke<PosState>("pos_state"),
  sessionOpen: (float: string) => invoke<CashReport>("session_open", { float }),
  sessionReport: () => invoke<CashReport>("session_report"),
  sessionClose: (counted: Record<string, string>, comment: string) => invoke<CashReport>("session_close", { counted, comment }),
  quote: (code: string, programme: string | null) => invoke<Quote>("sale_quote", { code, programme }),
  saleCreate: (input: SaleInput) => invoke<SaleRecord>("sale_create", { input }),
  saleCancel: (receipt: string, reason: string, refund: string, defective: boolean) =>
    invoke<{ number: string; cancels: string }>("sale_cancel", { receipt, line: null, reason, refund, defective }),
  salesList: () => invoke<SaleSummary[]>("sales_list"),
  centreShow: () => invoke<CentreView>("centre_show"),
  centreSave: (input: CentreInput) => invoke<CentreView>("centre_save", { input }),
  centreLogo: (bytes: number[] | null) => invoke<CentreView>("centre_logo", { bytes }),
  printers: () => invoke<Printer[]>("printers_list"),
  documentMake: (kind: string, reference: string, print: boolean) =>
    invoke<Made>("document_make", { kind, reference, paper: null, print }),
  saleDocuments: (receipt: string, print: boolean) => invoke<Made[]>("sale_documents", { receipt, print }),
  documentPrint: (fileName: string, title: string) => invoke<PrintJob>("document_print", { fileName, title }),
  documentOpen: (fileName: string) => invoke<null>("document_open", { fileName }),
  documentSaveAs: (fileName: string) => invoke<string | null>("document_save_as", { fileName }),
  dashboard: () => invoke<Dashboard>("dashboard"),
  reportMake: (programme: string, from: string, to: string, csv: boolean) =>
    invoke<Made>("report_make", { programme, from, to, csv }),
  privacyRegister: (months: number | null) =>
    invoke<{ retention_months: number; register: { data: string; fields: string; purpose: string; retention: string }[] }>("privacy_register", { months }),
  privacyNotice: () => invoke<string>("privacy_notice"),
  privacyPurge: (dryRun: boolean) =>
    invoke<{ retention_months: number; cutoff: string; people: number[]; dry_run: boolean }>("privacy_purge", { dryRun }),
  privacyExport: (id: number) => invoke<Made[]>("privacy_export", { id }),
  privacyErase: (id: number, reason: string) => invoke<Person>("privacy_erase", { id, reason }),
  firstRun: (input: { centre: Partial<CentreInput>; manager: string; pin: string; programme: [string, string] | null; centre_code: string | null; register_code: string | null }) =>
    invoke<Desk>("first_run", { input }),
  operatorsList: () => invoke<Desk>("operators_list"),
  operatorSwitch: (name: string, pin: string) => invoke<Desk>("operator_switch", { name, pin }),
  operatorAdd: (name: string, role: string, pin: string) => invoke<Desk>("operator_add", { name, role, pin }),
  operatorResetPin: (name: string, pin: string) => invoke<Desk>("operator_reset_pin", { name, pin }),
  deskActivity: () => invoke<void>("desk_activity"),
  deskLock: () => invoke<Desk>("desk_lock"),
  idleLockSave: (minutes: number) => invoke<Desk>("idle_lock_save", { minutes }),
  logFolderOpen: () => invoke<void>("log_folder_open"),
  operatorDisable: (name: string) => invoke<Desk>("operator_disable", { name }),
  syncStatus: () => invoke<SyncStatus>("sync_status"),
  syncNow: () => invoke<RoundReport>("sync_now"),
  hubSave: (url: string, centre: string, token: string | null) => invoke<SyncStatus>("hub_save", { url, centre, token }),
  hubTest: () => invoke<{ hub_id: string; version: string }>("hub_test"),
  advise: (answers: { uses: string[]; place: string; screen: string; first_device: boolean }) =>
    invoke<Advice>("diagnostic_advise", { answers }),
};

export interface BackupRecord { made_at: string; file: string; bytes: number; journal_entries: number; journal_head: string; reason: string }
export interface BackupStatus {
  folder: string; folder_is_default: boolean; last: BackupRecord | null; age_hours: number | null; warning: boolean; message: string;
}
export interface Safety { backup: BackupStatus; recent: BackupRecord[]; encrypted: boolean; phrase_pending: boolean }
export const safetyApi = {
  status: () => invoke<Safety>("safety_status"),
  backupNow: () => invoke<{ record: BackupRecord; removed_by_rotation: string[] }>("backup_now"),
  chooseFolder: () => invoke<Safety | null>("backup_folder_choose"),
  defaultFolder: () => invoke<Safety>("backup_folder_default"),
  restore: (phrase: string | null) => invoke<boolean>("backup_restore", { phrase }),
  phrase: () => invoke<string[]>("recovery_phrase"),
  phraseNoted: () => invoke<Safety>("recovery_phrase_noted"),
  phrasePrint: () => invoke<PrintJob>("recovery_phrase_print"),
  keyRecover: (phrase: string) => invoke<null>("key_recover", { phrase }),
  firstPaint: () => invoke<number>("first_paint"),
};

/** A readable French message from whatever a command threw. */
export function messageOf(err: unknown): string {
  // The core refused an act because nobody is at the desk: the lock dialog comes up.
  if (codeOf(err) === "desk_locked") window.dispatchEvent(new CustomEvent("desk-locked"));
  if (err && typeof err === "object" && "message" in err) return String((err as UiError).message);
  return String(err);
}

export function codeOf(err: unknown): string | null {
  if (err && typeof err === "object" && "code" in err) return String((err as UiError).code);
  return null;
}
