//! Hostile clients, shared by `hub/tests/hostile.rs` and the `hostile` bench (which prints the
//! figures of the closing note): connections from other loopback addresses (127.0.0.x, bound
//! before connecting, so that the hub tells them from the legitimate client on 127.0.0.1), and
//! what a process holds (descriptors, resident memory) read from /proc.
#![allow(dead_code)]

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::Command;

/// A connection to `hub` from 127.0.0.`source`.
pub fn connect_from(source: u8, hub: SocketAddr) -> std::io::Result<TcpStream> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SockAddr::from(SocketAddr::from(([127, 0, 0, source], 0))))?;
    socket.connect(&SockAddr::from(hub))?;
    Ok(socket.into())
}

/// `n` connections that send nothing, spread over the addresses `sources`.
pub fn silent(hub: SocketAddr, n: usize, sources: &[u8]) -> Vec<TcpStream> {
    (0..n)
        .map(|i| connect_from(sources[i % sources.len()], hub).expect("a silent connection"))
        .collect()
}

/// `n` anonymous login POSTs that announce a body and never send it, from `source`.
pub fn stalled_posts(hub: SocketAddr, n: usize, source: u8) -> Vec<TcpStream> {
    (0..n)
        .filter_map(|_| {
            let mut s = connect_from(source, hub).ok()?;
            let head = "POST /console/connexion HTTP/1.1\r\nHost: hub\r\n\
                        Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n";
            // The hub may already have turned this one away (its address is full).
            let _ = s.write_all(head.as_bytes());
            Some(s)
        })
        .collect()
}

/// The hub's address from its URL (`http://127.0.0.1:PORT`).
pub fn socket_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://").parse().expect("a loopback URL")
}

/// Raises this process's soft limit of open files to its hard limit (the attacker needs more
/// than the hub's 1,024), and returns it.
pub fn raise_own_file_limit() -> u64 {
    let pid = std::process::id();
    let hard = Command::new("prlimit")
        .args(["--pid", &pid.to_string(), "--nofile", "--output=HARD", "--noheadings"])
        .output()
        .expect("prlimit (util-linux)");
    let hard = String::from_utf8_lossy(&hard.stdout).trim().to_string();
    let soft = hard.parse::<u64>().unwrap_or(65_536).min(65_536);
    let set = Command::new("prlimit")
        .args(["--pid", &pid.to_string(), &format!("--nofile={soft}:")])
        .status()
        .expect("prlimit");
    assert!(set.success(), "raising the test's own limit of open files");
    soft
}

/// Sets a process's limit of open files (the hub is tried with the usual 1,024).
pub fn limit_files(pid: u32, n: u64) {
    let set = Command::new("prlimit")
        .args(["--pid", &pid.to_string(), &format!("--nofile={n}:{n}")])
        .status()
        .expect("prlimit");
    assert!(set.success(), "setting the hub's limit of open files");
}

/// The file descriptors a process holds.
pub fn descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The sockets among them (the listener and the connections).
pub fn sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    std::fs::read_link(e.path())
                        .map(|t| t.to_string_lossy().starts_with("socket:"))
                        .unwrap_or(false)
                })
                .count()
        })
        .unwrap_or(0)
}

/// A process's resident memory, in MiB.
pub fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}
