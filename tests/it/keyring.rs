//! The hub token in the OS keyring, against a real Secret Service (gnome-keyring in the test
//! command's private D-Bus session). Ignored by a plain `cargo test`; `scripts/test` runs it.

use std::process::Command;

use comptoir::sync::{self, token, HubConfig};

use crate::TestDb;

#[test]
#[ignore = "needs a Secret Service (gnome-keyring under dbus-run-session): run through scripts/test"]
fn the_token_goes_to_the_real_keyring_and_never_to_a_file() {
    assert!(
        token::is_persistent(),
        "the keyring is a real store, not an in-memory stand-in"
    );
    let config = HubConfig::parse("https://hub.test.invalid", &format!("T{}", std::process::id())).unwrap();
    let secret = "f00dcafe".repeat(8);
    token::store(&config, &secret).unwrap();
    assert_eq!(token::load(&config).unwrap(), secret);
    // Another process (the Secret Service itself, through secret-tool) sees it.
    let out = Command::new("secret-tool")
        .args(["search", "--all", "username", &config.keyring_user()])
        .output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        assert!(text.contains(&secret), "secret-tool does not see it: {text}");
    }
    token::forget(&config).unwrap();
    let err = token::load(&config).unwrap_err();
    assert_eq!(err.code(), "no_token");
    assert!(err.to_string().contains("comptoir hub set-token"), "{err}");
    let err = token::store(&config, "court").unwrap_err();
    assert!(err.to_string().contains("pas un jeton"), "{err}");

    // Through the CLI: set-url, then the token on stdin; the database never holds it.
    let db = TestDb::new();
    let cli = |args: &[&str], stdin: &str, env: &[(&str, &str)]| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .arg("--db")
            .arg(&db.path)
            .args(args)
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let centre = format!("K{}", std::process::id());
    assert!(cli(
        &["hub", "set-url", "https://hub.test.invalid", "--centre", &centre],
        "",
        &[]
    )
    .status
    .success());
    let out = cli(&["hub", "set-token"], &format!("{secret}\n"), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stored = HubConfig::parse("https://hub.test.invalid", &centre).unwrap();
    assert_eq!(token::load(&stored).unwrap(), secret);

    // No keyring reachable: a clear message, and the token written nowhere.
    let other = format!("{}0", secret);
    let out = cli(
        &["hub", "set-token"],
        &format!("{other}\n"),
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")],
    );
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("trousseau du système est indisponible"), "{message}");
    assert!(!message.contains(&other), "the token is not in the message");
    for entry in std::fs::read_dir(db.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        for t in [&secret, &other] {
            assert!(
                !bytes.windows(t.len()).any(|w| w == t.as_bytes()),
                "a token reached a file"
            );
        }
    }
    token::forget(&stored).unwrap();
    // The CLI opened the database as the app does: encrypted, its key in the same keyring.
    let store = db.open_encrypted();
    assert_eq!(sync::status(&store).unwrap().configured.unwrap().centre, centre);
}
