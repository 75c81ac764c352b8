//! Two `cairn serve` processes on one PostgreSQL database behave as one: a score recorded
//! through instance A reaches a live-event stream open on instance B. Runs when
//! `CAIRN_TEST_POSTGRES_URL` names a server (always in CI).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use sqlx::{Connection, Executor, PgConnection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .env_remove("CAIRN_DATABASE_URL")
        .env_remove("CAIRN_DATA_DIR")
        .output()
        .expect("run cairn")
}

/// A running `cairn serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(database_url: &str, data_dir: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--database-url",
                database_url,
            ])
            .args(["--data-dir", data_dir])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cairn serve");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.strip_prefix("Cairn is serving at http://") {
                break rest.trim_end_matches('/').to_string();
            }
        };
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends one HTTP/1.1 request and returns the open connection, positioned after the request.
async fn request(addr: &str, head: &str, body: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let text = format!(
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(text.as_bytes()).await.unwrap();
    stream
}

async fn read_all(mut stream: TcpStream) -> String {
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    String::from_utf8_lossy(&reply).into_owned()
}

/// Reads from a stream until `needle` appears, or fails after `within`.
async fn read_until(stream: &mut TcpStream, needle: &str, within: Duration) -> String {
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(within, async {
        while !seen.contains(needle) {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the stream closed: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{needle:?} did not arrive within {within:?}; got: {seen}"));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_through_one_instance_reaches_a_dashboard_on_the_other() {
    let Ok(admin_url) = std::env::var("CAIRN_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must give CAIRN_TEST_POSTGRES_URL"
        );
        eprintln!("skipped: set CAIRN_TEST_POSTGRES_URL to run against PostgreSQL");
        return;
    };
    // A database of its own, dropped at the end.
    let name = format!("cairn_instances_{}", std::process::id());
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");
    let data = std::env::temp_dir().join(format!("cairn-instances-{}", std::process::id()));
    let data_dir = data.to_str().unwrap();

    let seeded = cairn(&[
        "seed",
        "--learners",
        "20",
        "--database-url",
        &url,
        "--data-dir",
        data_dir,
    ]);
    assert!(seeded.status.success(), "{seeded:?}");
    let created = cairn(&[
        "token",
        "create",
        "LMS",
        "--database-url",
        &url,
        "--data-dir",
        data_dir,
    ]);
    assert!(created.status.success(), "{created:?}");
    let token = String::from_utf8_lossy(&created.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();

    {
        let a = Server::start(&url, data_dir);
        let b = Server::start(&url, data_dir);

        // The parent signs in on B and opens the live stream there.
        let reply = read_all(
            request(
                &b.addr,
                "POST /api/login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
                "email=parent%40demo.cairn&password=cairn-demo",
            )
            .await,
        )
        .await;
        let cookie = reply
            .lines()
            .find_map(|line| line.strip_prefix("set-cookie: "))
            .and_then(|value| value.split(';').next())
            .unwrap_or_else(|| panic!("no session cookie: {reply}"))
            .to_string();
        let mut events = request(
            &b.addr,
            &format!("GET /api/v1/events HTTP/1.1\r\nCookie: {cookie}"),
            "",
        )
        .await;
        read_until(&mut events, "text/event-stream", Duration::from_secs(5)).await;

        // The learning platform pushes a score for the parent's child through A.
        let score = serde_json::json!({
            "sourcedId": "lms-instances-1",
            "userId": "learner@demo.cairn",
            "lineItem": "MA4-ALG-C-01",
            "scoreGiven": 4,
            "scoreMaximum": 4,
            "activityProgress": "Completed",
            "gradingProgress": "FullyGraded",
            "timestamp": "2026-11-24T09:00:00Z"
        })
        .to_string();
        let reply = read_all(
            request(
                &a.addr,
                &format!(
                    "POST /api/v1/scores HTTP/1.1\r\nContent-Type: application/json\r\n\
                     Authorization: Bearer {token}"
                ),
                &score,
            )
            .await,
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");
        let evidence_id = reply
            .split("\"evidenceId\":")
            .nth(1)
            .and_then(|rest| rest.split([',', '}']).next())
            .unwrap()
            .to_string();

        let seen = read_until(
            &mut events,
            &format!("id: {evidence_id}\n"),
            Duration::from_secs(10),
        )
        .await;
        assert!(seen.contains("event: evidence"), "{seen}");
    }

    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&data);
}
