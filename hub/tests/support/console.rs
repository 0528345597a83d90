//! The console's tests share: accounts made with `comptoir-hub user`, a client that follows
//! no redirect, logging in through the form (its cookie and token), a page fetched with a
//! session, the CSRF token a page's forms carry. Cookies are carried by hand: a cookie store
//! would not send a `Secure` cookie over plain HTTP.

use std::process::Command;

use reqwest::blocking::{Client, Response};
use reqwest::StatusCode;

use super::{World, HUB};

pub fn user(world: &World, args: &[&str], password: &str) -> String {
    let out = Command::new(HUB)
        .arg("--db")
        .arg(&world.hub.db)
        .arg("user")
        .args(args)
        .env("COMPTOIR_HUB_PASSWORD", password)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "user {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of cookie `name` a response sets, with its attributes.
pub fn set_cookie(response: &Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let value = v[name.len() + 1..].split(';').next().unwrap().to_string();
            (value, v.to_string())
        })
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Logs in: the form's cookie and token, then the session's cookie (or the refusal).
pub fn log_in(url: &str, login: &str, password: &str) -> Result<String, (StatusCode, String)> {
    let http = client();
    let form = http.get(format!("{url}/console/connexion")).send().unwrap();
    let (token, _) = set_cookie(&form, "comptoir_connexion").expect("the login form's cookie");
    let page = form.text().unwrap();
    assert!(page.contains(&format!("value=\"{token}\"")), "{page}");
    let answer = http
        .post(format!("{url}/console/connexion"))
        .header("Cookie", format!("comptoir_connexion={token}"))
        .form(&[("login", login), ("password", password), ("csrf", token.as_str())])
        .send()
        .unwrap();
    match set_cookie(&answer, "comptoir_session") {
        Some((session, attributes)) if answer.status() == StatusCode::SEE_OTHER => {
            for part in [
                "HttpOnly",
                "Secure",
                "SameSite=Strict",
                "Max-Age=28800",
                "Path=/console",
            ] {
                assert!(attributes.contains(part), "{part} not in {attributes}");
            }
            Ok(session)
        }
        _ => Err((answer.status(), answer.text().unwrap())),
    }
}

pub fn get(url: &str, path: &str, session: &str) -> Response {
    client()
        .get(format!("{url}{path}"))
        .header("Cookie", format!("comptoir_session={session}"))
        .send()
        .unwrap()
}

/// The CSRF token a page's forms carry.
pub fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form with its token") + "name=\"csrf\" value=\"".len();
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

/// Posts a form with a session (its CSRF token among the fields, or not).
pub fn post(url: &str, path: &str, session: &str, form: &[(&str, &str)]) -> Response {
    client()
        .post(format!("{url}{path}"))
        .header("Cookie", format!("comptoir_session={session}"))
        .form(form)
        .send()
        .unwrap()
}

/// Posts a file with a session, as the console's upload forms do (multipart).
pub fn upload(url: &str, path: &str, session: &str, csrf: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let form = reqwest::blocking::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part(
            "fichier",
            reqwest::blocking::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        );
    client()
        .post(format!("{url}{path}"))
        .header("Cookie", format!("comptoir_session={session}"))
        .multipart(form)
        .send()
        .unwrap()
}
