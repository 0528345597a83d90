fn main() {
    // The config lives at the repository root (see ARCHITECTURE.md); the app's own commands are
    // declared here so that the capability can grant them one by one (least privilege).
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "stock_list",
            "stock_show",
            "stock_summary",
            "stock_apply",
            "people_search",
            "person_show",
            "person_save",
            "person_merge",
            "proof_add",
            "eligibility_check",
            "eligibility_override",
            "diagnostic_advise",
            "pos_state",
            "session_open",
            "session_report",
            "session_close",
            "sale_quote",
            "sale_create",
            "sale_cancel",
            "sales_list",
            "sale_show",
            "centre_show",
            "centre_save",
            "centre_logo",
            "printers_list",
            "document_make",
            "sale_documents",
            "document_print",
            "document_open",
            "document_save_as",
            "dashboard",
            "report_make",
            "sync_status",
            "sync_now",
            "hub_save",
            "hub_test",
        ]));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
