//! The `cairn` binary refusing bad input: one line naming the problem on stderr, exit status 1,
//! never a panic.

use std::process::{Command, Output};

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .env_remove("CAIRN_DATABASE_URL")
        .env_remove("CAIRN_DATA_DIR")
        .env_remove("CAIRN_ADDR")
        .output()
        .expect("run cairn")
}

/// Asserts a refusal: status 1, and one line on stderr containing `expected`.
fn assert_refused(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].starts_with("cairn: "), "{stderr}");
    assert!(
        lines[0].contains(expected),
        "expected {expected:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cairn-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_database_url_of_another_kind_is_refused() {
    let output = cairn(&[
        "migrate",
        "--database-url",
        "mysql://root:secret@localhost/cairn",
    ]);
    assert_refused(&output, "neither sqlite");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("secret"));
}

#[test]
fn an_unreachable_database_is_named() {
    let data = temp_dir("unreachable");
    let output = cairn(&[
        "migrate",
        "--data-dir",
        data.to_str().unwrap(),
        "--database-url",
        "postgres://cairn:secret@127.0.0.1:1/cairn",
    ]);
    assert_refused(
        &output,
        "cannot open the database at postgres://cairn:***@127.0.0.1:1/cairn",
    );
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn an_unwritable_data_directory_is_named() {
    let blocker = temp_dir("file");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let inside = blocker.join("data");
    let output = cairn(&["migrate", "--data-dir", inside.to_str().unwrap()]);
    assert_refused(&output, "cannot create the data directory");
    let _ = std::fs::remove_file(blocker);
}

#[test]
fn a_port_in_use_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let data = temp_dir("port");
    let output = cairn(&[
        "serve",
        "--addr",
        &addr,
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert_refused(&output, &format!("cannot listen on {addr}"));
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn unknown_flags_get_the_usage() {
    let output = cairn(&["serve", "--colour", "blue"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unexpected argument '--colour'"),
        "{stderr}"
    );
    assert!(stderr.contains("Usage: cairn serve"), "{stderr}");
}

#[test]
fn migrate_creates_the_sqlite_database_in_the_data_directory() {
    let data = temp_dir("migrate");
    let output = cairn(&["migrate", "--data-dir", data.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(data.join("cairn.db").exists());
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn seed_fills_an_empty_database_once() {
    let data = temp_dir("seed");
    let dir = data.to_str().unwrap();
    let output = cairn(&["seed", "--learners", "30", "--seed", "4", "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Seeded 30 learners"), "{stdout}");
    let again = cairn(&["seed", "--learners", "30", "--data-dir", dir]);
    assert_refused(&again, "already holds a school");
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn a_token_is_printed_once_listed_by_name_and_revoked() {
    let data = temp_dir("token");
    let dir = data.to_str().unwrap();
    let seeded = cairn(&["seed", "--learners", "5", "--data-dir", dir]);
    assert!(seeded.status.success(), "{seeded:?}");
    let created = cairn(&["token", "create", "Canvas", "--data-dir", dir]);
    assert!(created.status.success(), "{created:?}");
    let stdout = String::from_utf8_lossy(&created.stdout);
    let token = stdout.lines().last().unwrap();
    assert!(token.starts_with("cairn_") && token.len() > 40, "{stdout}");
    let listed = cairn(&["token", "list", "--data-dir", dir]);
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listing.contains("Canvas") && listing.contains("live"),
        "{listing}"
    );
    assert!(!listing.contains(token), "the token is never shown again");
    let revoked = cairn(&["token", "revoke", "1", "--data-dir", dir]);
    assert!(revoked.status.success(), "{revoked:?}");
    let listing =
        String::from_utf8_lossy(&cairn(&["token", "list", "--data-dir", dir]).stdout).to_string();
    assert!(listing.contains("revoked"), "{listing}");
    assert_refused(
        &cairn(&["token", "revoke", "1", "--data-dir", dir]),
        "cannot revoke token 1",
    );
    let _ = std::fs::remove_dir_all(&data);
}
