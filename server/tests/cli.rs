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

#[test]
fn a_oneroster_package_is_previewed_imported_and_refused_when_wrong_from_the_command_line() {
    let data = temp_dir("oneroster");
    let dir = data.to_str().unwrap();
    let seeded = cairn(&["seed", "--learners", "10", "--data-dir", dir]);
    assert!(seeded.status.success(), "{seeded:?}");
    let zip = data.join("roster.zip");
    let zip = zip.to_str().unwrap();
    let written = cairn(&["seed", "--learners", "30", "--oneroster", zip]);
    assert!(written.status.success(), "{written:?}");

    let preview = cairn(&["import", "oneroster", zip, "--dry-run", "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&preview.stdout);
    assert!(preview.status.success(), "{preview:?}");
    assert!(
        stdout.starts_with("Would import OneRoster 1.2:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line item homework-1 (Homework 1) is mapped to no competency"),
        "{stdout}"
    );

    let run = cairn(&["import", "oneroster", zip, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{run:?}");
    assert!(stdout.starts_with("Imported OneRoster 1.2:"), "{stdout}");
    let again = cairn(&["import", "oneroster", zip, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("Nothing to change: Cairn already holds this roster."),
        "{stdout}"
    );

    // A folder with a role Cairn does not know: named by file and line, nothing written.
    let folder = data.join("roster");
    let folder_path = folder.to_str().unwrap();
    assert!(
        cairn(&["seed", "--learners", "30", "--oneroster", folder_path])
            .status
            .success()
    );
    let roles = folder.join("roles.csv");
    let mut text = std::fs::read_to_string(&roles).unwrap();
    text.push_str("role-x,,2026-09-01,learner-1,primary,astronaut,,,school-1,\n");
    let line = text.lines().count();
    std::fs::write(&roles, text).unwrap();
    let wrong = cairn(&["import", "oneroster", folder_path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&wrong.stdout);
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("roles.csv line {line}: role: “astronaut”")),
        "{stdout}"
    );
    assert!(stderr.contains("so nothing was written"), "{stderr}");
    assert_refused(
        &cairn(&[
            "import",
            "oneroster",
            "/nonexistent/roster.zip",
            "--data-dir",
            dir,
        ]),
        "/nonexistent/roster.zip does not exist",
    );
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn people_are_imported_from_csv_all_or_nothing_or_the_valid_rows() {
    let data = temp_dir("import");
    let dir = data.to_str().unwrap();
    let seeded = cairn(&["seed", "--learners", "5", "--data-dir", dir]);
    assert!(seeded.status.success(), "{seeded:?}");
    let file = data.join("people.csv");
    std::fs::write(
        &file,
        "name,email,role\n\
         Ana Lima,ana.lima@riverbend.example,learner\n\
         Bo Tran,bo.tran@riverbend.example,astronaut\n\
         Cy Park,cy.park@riverbend.example,teacher\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let all = cairn(&["import", "users", path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&all.stdout);
    let stderr = String::from_utf8_lossy(&all.stderr);
    assert_eq!(all.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("line 3: role: 'astronaut' is not a role here"),
        "{stdout}"
    );
    assert!(stdout.contains("Imported 0 of 3 rows"), "{stdout}");
    assert!(stderr.contains("nothing was written"), "{stderr}");

    let valid = cairn(&["import", "users", path, "--valid-rows", "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&valid.stdout);
    assert_eq!(valid.status.code(), Some(1));
    assert!(stdout.contains("Imported 2 of 3 rows"), "{stdout}");
    assert!(String::from_utf8_lossy(&valid.stderr).contains("the others were written"));

    // The same people again are duplicates, named by line.
    let again = cairn(&["import", "users", path, "--valid-rows", "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout
            .contains("line 2: email: ana.lima@riverbend.example cannot be used for a new account"),
        "{stdout}"
    );
    let clean = data.join("more.csv");
    std::fs::write(
        &clean,
        "email,name,role\nde.ng@riverbend.example,De Ng,parent\n",
    )
    .unwrap();
    let done = cairn(&[
        "import",
        "users",
        clean.to_str().unwrap(),
        "--data-dir",
        dir,
    ]);
    assert!(done.status.success(), "{done:?}");
    assert!(String::from_utf8_lossy(&done.stdout).contains("Imported 1 of 1 rows"));
    assert_refused(
        &cairn(&[
            "import",
            "users",
            "/nonexistent/people.csv",
            "--data-dir",
            dir,
        ]),
        "cannot read /nonexistent/people.csv",
    );
    let _ = std::fs::remove_dir_all(&data);
}

mod credential_verify {
    //! `cairn credential verify FILE`: any verifiable credential, offline; exit 1 naming the
    //! check that failed or could not be decided.

    use super::{assert_refused, cairn, temp_dir};
    use cairn::credentials::keys::{generate, public_multibase, SigningKey};
    use cairn::credentials::open_badge::{
        AchievementClaim, BadgeClaim, CompetencyResult, IssuerProfile, LearnerIdentity,
    };
    use cairn::credentials::proof::{add_proof, sign, ProofOptions, Suite};
    use cairn::credentials::status_list::Bitstring;
    use serde_json::{json, Value};

    fn claim(issuer: &str, valid_from: &str) -> Value {
        BadgeClaim {
            id: "https://other.example/credentials/1".into(),
            issuer: IssuerProfile {
                id: issuer.into(),
                name: "Another School".into(),
                url: "https://other.example/".into(),
            },
            valid_from: valid_from.into(),
            valid_until: None,
            provisional: false,
            learner: LearnerIdentity {
                id: "https://other.example/learners/1".into(),
                name: "Grace".into(),
                email: "grace@other.example".into(),
                salt: "pepper".into(),
            },
            achievement: AchievementClaim {
                id: "https://other.example/achievements/1".into(),
                name: "Navigation".into(),
                description: "Finds the way.".into(),
                criteria: "Reads a map.".into(),
            },
            results: vec![CompetencyResult {
                code: "NAV-1".into(),
                name: "Map reading".into(),
                url: "https://other.example/competencies/1".into(),
                framework: "Outdoors".into(),
                levels: vec!["Starting".into(), "Confident".into()],
                required_level: 2,
                achieved_level: Some(2),
            }],
            status: ("https://other.example/status/1".into(), 3),
        }
        .to_credential()
    }

    fn signed(credential: &Value, key: &SigningKey, method: &str) -> Value {
        sign(
            credential,
            key,
            &ProofOptions {
                verification_method: method,
                created: "2026-01-01T00:00:00Z",
            },
        )
        .unwrap()
    }

    fn write(dir: &std::path::Path, name: &str, value: &Value) -> String {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn verify(args: &[&str], data: &std::path::Path) -> std::process::Output {
        let mut all = vec!["credential", "verify"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--data-dir", data.to_str().unwrap()]);
        cairn(&all)
    }

    #[test]
    fn a_did_key_credential_verifies_without_any_database() {
        let dir = temp_dir("verify-did-key");
        let key = generate();
        let did = format!("did:key:{}", public_multibase(&key.verifying_key()));
        let method = format!("{did}#{}", public_multibase(&key.verifying_key()));
        let mut credential = claim(&did, "2026-01-01T00:00:00Z");
        credential
            .as_object_mut()
            .unwrap()
            .remove("credentialStatus");
        let file = write(&dir, "badge.json", &signed(&credential, &key, &method));
        // The signature holds, but nobody vouched for the key's owner: not verified, and said so.
        assert_refused(&verify(&[&file], &dir), "issuer check could not be checked");
        let output = verify(&[&file, "--issuer", &did], &dir);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.lines().last() == Some("verified"), "{stdout}");
        assert!(
            !dir.join("cairn.db").exists(),
            "verifying created a database"
        );

        // One changed word: the signature check fails, by name.
        let mut tampered = signed(&credential, &key, &method);
        tampered["name"] = json!("Navigation (advanced)");
        let file = write(&dir, "tampered.json", &tampered);
        assert_refused(
            &verify(&[&file, "--issuer", &did], &dir),
            "signature check failed",
        );

        // Not valid yet.
        let future = signed(
            &{
                let mut c = claim(&did, "2099-01-01T00:00:00Z");
                c.as_object_mut().unwrap().remove("credentialStatus");
                c
            },
            &key,
            &method,
        );
        let file = write(&dir, "future.json", &future);
        assert_refused(
            &verify(&[&file, "--issuer", &did], &dir),
            "validity window check failed: not valid yet",
        );
    }

    /// An OB 3.0.1 badge on the VC 1.1 data model from a `did:web` platform, and a VC 2.0
    /// badge with two proofs: the kinds of credential people hold from other platforms.
    #[test]
    fn credentials_from_other_platforms_verify_offline_and_tampered_copies_do_not() {
        let dir = temp_dir("verify-elsewhere");
        let key = generate();
        let did = "did:web:badges.example.org";
        let method = format!("{did}#key-1");
        let vc11 = json!({
            "@context": [
                "https://www.w3.org/2018/credentials/v1",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
                "https://w3id.org/security/suites/ed25519-2020/v1"
            ],
            "id": "urn:uuid:7d1c9e64-2b9a-4d44-8f0e-1b2c3d4e5f60",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did, "type": "Profile", "name": "Example Badging Platform"},
            "issuanceDate": "2024-03-01T10:00:00Z",
            "name": "Intro to Data",
            "credentialSubject": {
                "type": "AchievementSubject",
                "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                    "hashed": false, "identityHash": "grace@other.example"}],
                "achievement": {
                    "id": "https://badges.example.org/achievements/intro-data",
                    "type": "Achievement", "name": "Intro to Data",
                    "description": "Cleans and charts a small data set.",
                    "criteria": {"narrative": "Completed the course project."}
                }
            }
        });
        let options = ProofOptions {
            verification_method: &method,
            created: "2024-03-01T10:00:00Z",
        };
        let badge = add_proof(&vc11, &key, &options, Suite::Ed25519Signature2020).unwrap();
        let file = write(&dir, "vc11.json", &badge);
        let document = write(
            &dir,
            "did.json",
            &json!({
                "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
                "id": did,
                "name": "Example Badging Platform",
                "verificationMethod": [{
                    "id": "#key-1", "type": "Ed25519VerificationKey2020", "controller": did,
                    "publicKeyMultibase": public_multibase(&key.verifying_key()),
                }],
                "assertionMethod": ["#key-1"]
            }),
        );
        let output = verify(
            &[
                &file,
                "--issuer",
                &document,
                "--holder",
                "grace@other.example",
            ],
            &dir,
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        assert!(
            stdout.contains("Ed25519Signature2020 by did:web:badges.example.org#key-1: valid"),
            "{stdout}"
        );
        assert!(stdout.contains("VC 1.1 data model"), "{stdout}");
        assert!(stdout.contains("issued to grace@other.example"), "{stdout}");
        assert_refused(
            &verify(
                &[
                    &file,
                    "--issuer",
                    &document,
                    "--holder",
                    "eve@other.example",
                ],
                &dir,
            ),
            "issued to someone else",
        );
        let mut tampered = badge.clone();
        tampered["credentialSubject"]["achievement"]["name"] = json!("Advanced Data");
        let file = write(&dir, "vc11-tampered.json", &tampered);
        assert_refused(
            &verify(&[&file, "--issuer", &document], &dir),
            "signature check failed",
        );

        // VC 2.0 with two proofs: the issuer's, and a second by a key nobody here knows.
        let mut vc20 = claim(did, "2026-01-01T00:00:00Z");
        vc20.as_object_mut().unwrap().remove("credentialStatus");
        let once = add_proof(&vc20, &key, &options, Suite::EddsaRdfc2022).unwrap();
        let stranger = generate();
        let twice = add_proof(
            &once,
            &stranger,
            &ProofOptions {
                verification_method: "https://endorser.example/keys#1",
                created: "2026-01-02T00:00:00Z",
            },
            Suite::EddsaRdfc2022,
        )
        .unwrap();
        let file = write(&dir, "two-proofs.json", &twice);
        let output = verify(&[&file, "--issuer", &document], &dir);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        assert!(
            stdout.contains("https://endorser.example/keys#1: its key cannot be found offline"),
            "{stdout}"
        );
        let mut tampered = twice;
        tampered["validFrom"] = json!("2025-01-01T00:00:00Z");
        let file = write(&dir, "two-proofs-tampered.json", &tampered);
        assert_refused(
            &verify(&[&file, "--issuer", &document], &dir),
            "signature check failed",
        );

        // A status list out of reach is neither good nor bad: it could not be checked.
        let listed = add_proof(
            &claim(did, "2026-01-01T00:00:00Z"),
            &key,
            &options,
            Suite::EddsaRdfc2022,
        )
        .unwrap();
        let file = write(&dir, "listed.json", &listed);
        assert_refused(
            &verify(&[&file, "--issuer", &document], &dir),
            "status check could not be checked: the status list",
        );
    }

    #[test]
    fn another_issuers_key_and_status_list_are_taken_from_files() {
        let dir = temp_dir("verify-files");
        let key = generate();
        let issuer = "https://other.example/issuers/1";
        let method = format!("{issuer}#key-1");
        let credential = signed(&claim(issuer, "2026-01-01T00:00:00Z"), &key, &method);
        let file = write(&dir, "badge.json", &credential);
        // Without the issuer's key nothing is fetched: the check says the key is out of reach.
        assert_refused(&verify(&[&file], &dir), "its key cannot be found offline");

        let profile = write(
            &dir,
            "issuer.json",
            &json!({
                "id": issuer,
                "assertionMethod": [{
                    "id": method, "type": "Multikey", "controller": issuer,
                    "publicKeyMultibase": public_multibase(&key.verifying_key()),
                }],
            }),
        );
        let mut bits = Bitstring::new();
        let list = |bits: &Bitstring| {
            json!({
                "id": "https://other.example/status/1",
                "credentialSubject": {"type": "BitstringStatusList", "encodedList": bits.encode()},
            })
        };
        let status = write(&dir, "status.json", &list(&bits));
        let output = verify(
            &[
                &file,
                "--issuer",
                &profile,
                "--status-list",
                &status,
                "--json",
            ],
            &dir,
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["verified"], true);

        bits.set(3).unwrap();
        let revoked = write(&dir, "revoked.json", &list(&bits));
        assert_refused(
            &verify(
                &[&file, "--issuer", &profile, "--status-list", &revoked],
                &dir,
            ),
            "status check failed: revoked by its issuer",
        );
    }

    #[test]
    fn hostile_files_are_refused_with_a_reason() {
        let dir = temp_dir("verify-hostile");
        std::fs::create_dir_all(&dir).unwrap();
        let deep = dir.join("deep.json");
        std::fs::write(
            &deep,
            format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200)),
        )
        .unwrap();
        assert_refused(&verify(&[deep.to_str().unwrap()], &dir), "nested deeper");
        let unknown = write(
            &dir,
            "unknown.json",
            &json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"],
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"achievement": {}},
                "proof": {
                    "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                    "verificationMethod": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
                    "proofPurpose": "assertionMethod", "proofValue": format!("z{}", "1".repeat(64))
                }
            }),
        );
        assert_refused(&verify(&[&unknown], &dir), "https://evil.example/ctx");
    }
}

/// One HTTP/1.1 request to a running server: the status code and the body.
fn http(addr: &str, method: &str, path: &str, cookie: &str, body: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to cairn serve");
    let form = if body.is_empty() {
        String::new()
    } else {
        "Content-Type: application/x-www-form-urlencoded\r\n".to_string()
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nCookie: {cookie}\r\n\
         {form}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head[9..12].parse().unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

#[test]
fn a_credential_revoked_from_the_command_line_leaves_no_kept_page_showing_it() {
    use std::io::{BufRead, BufReader};
    let data = temp_dir("outside-write");
    let dir = data.to_str().unwrap();
    let seeded = cairn(&["seed", "--learners", "12", "--seed", "4", "--data-dir", dir]);
    assert!(seeded.status.success(), "{seeded:?}");
    let log = data.join("serve.log");
    let mut server = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir", dir])
        .env_remove("CAIRN_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start cairn serve");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("Cairn is serving at http://") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    let login = "email=admin%40demo.cairn&password=cairn-demo";
    let (status, head, _) = http(&addr, "POST", "/api/login", "", login);
    assert_eq!(status, 303, "{head}");
    let cookie = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_string();
    // The server issues the credentials the seeded history earned, in the background: wait
    // until it has (each one is a write, which no kept page outlives).
    for _ in 0..1200 {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("credentials due at start-up are issued") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = format!("sqlite://{dir}/cairn.db");
    let (learner, credential) = runtime.block_on(async {
        use sqlx::Connection;
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        for _ in 0..600 {
            let found: Option<(i64, String)> = sqlx::query_as(
                "SELECT learner_id, public_id FROM credentials \
                 WHERE kind = 'earned' AND revoked_at IS NULL ORDER BY id LIMIT 1",
            )
            .fetch_optional(&mut db)
            .await
            .unwrap();
            if let Some(found) = found {
                return found;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("no credential was issued within two minutes");
    });
    let page = format!("/learners/{learner}");
    let link = format!("/credentials/{credential}");
    let (status, _, first) = http(&addr, "GET", &page, &cookie, "");
    assert_eq!(status, 200);
    assert!(first.contains(&link), "the dashboard links the credential");
    // Kept: the same bytes twice (a fresh render carries a new script nonce).
    let (_, _, kept) = http(&addr, "GET", &page, &cookie, "");
    let (_, _, again) = http(&addr, "GET", &page, &cookie, "");
    assert_eq!(kept, again, "the page is kept");

    let revoked = cairn(&[
        "credential",
        "revoke",
        &credential,
        "--reason",
        "Issued in error",
        "--data-dir",
        dir,
    ]);
    assert!(revoked.status.success(), "{revoked:?}");
    let (status, _, after) = http(&addr, "GET", &page, &cookie, "");
    assert_eq!(status, 200);
    assert!(
        !after.contains(&link),
        "a kept page still showed the credential the command line revoked"
    );
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn an_attendance_file_is_checked_imported_once_and_refused_by_line_from_the_command_line() {
    let data = temp_dir("attendance");
    let dir = data.to_str().unwrap();
    let seeded = cairn(&["seed", "--learners", "10", "--data-dir", dir]);
    assert!(seeded.status.success(), "{seeded:?}");
    let file = data.join("register.csv");
    std::fs::write(
        &file,
        "\u{feff}Email,Date,Session,Status,Note\r\n\
         learner@demo.cairn,2026-11-30,AM,A,Flu\r\n\
         learner@demo.cairn,2026-11-30,PM,late,\r\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();

    let dry = cairn(&["import", "attendance", path, "--dry-run", "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success(), "{dry:?}");
    assert!(stdout.contains("2 records; 2 would be created"), "{stdout}");

    let run = cairn(&["import", "attendance", path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{run:?}");
    assert!(
        stdout.contains("2 records; 2 created, 0 updated, 0 unchanged"),
        "{stdout}"
    );
    let again = cairn(&["import", "attendance", path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("0 created, 0 updated, 2 unchanged"),
        "{stdout}"
    );

    // A status nobody knows: named by line, nothing written.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("learner@demo.cairn,2026-12-01,AM,on holiday,\r\n");
    std::fs::write(&file, text).unwrap();
    let wrong = cairn(&["import", "attendance", path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&wrong.stdout);
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("line 4: status: “on holiday”"), "{stdout}");
    assert!(stderr.contains("so nothing was written"), "{stderr}");
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn a_case_package_is_previewed_imported_updated_and_refused_when_broken_from_the_command_line() {
    let data = temp_dir("case");
    let dir = data.to_str().unwrap();
    let seeded = cairn(&["seed", "--learners", "10", "--data-dir", dir]);
    assert!(seeded.status.success(), "{seeded:?}");
    let link =
        |id: &str| format!(r#"{{"identifier": "{id}", "uri": "https://case.example/{id}"}}"#);
    let child = |child: &str, parent: &str, n: u32| {
        format!(
            r#"{{"identifier": "as-{n}", "associationType": "isChildOf", "sequenceNumber": {n},
                "uri": "https://case.example/as-{n}", "originNodeURI": {},
                "destinationNodeURI": {}, "lastChangeDateTime": "2026-01-01T00:00:00Z"}}"#,
            link(child),
            link(parent)
        )
    };
    let item = |id: &str, code: &str, statement: &str| {
        format!(
            r#"{{"identifier": "{id}", "uri": "https://case.example/{id}", "humanCodingScheme": "{code}",
                "fullStatement": "{statement}", "lastChangeDateTime": "2026-01-01T00:00:00Z"}}"#
        )
    };
    let package = |extra_item: &str| {
        format!(
            r#"{{"CFDocument": {{"identifier": "doc", "uri": "https://case.example/doc", "creator": "State",
                 "title": "Science Standards", "lastChangeDateTime": "2026-01-01T00:00:00Z"}},
               "CFItems": [{}, {}, {}, {}{extra_item}],
               "CFAssociations": [{}, {}, {}, {}]}}"#,
            item("s", "SC.1", "Living things"),
            item("s1", "SC.1.1", "Describe a plant's life cycle."),
            item("s2", "SC.1.2", "Classify animals by what they eat."),
            item("s3", "SC.1.3", "Name the parts of a flower."),
            child("s", "doc", 1),
            child("s1", "s", 1),
            child("s2", "s", 2),
            child("s3", "s", 3),
        )
    };
    let file = data.join("science.json");
    std::fs::write(&file, package("")).unwrap();
    let path = file.to_str().unwrap();

    let dry = cairn(&["import", "case", path, "--dry-run", "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success(), "{dry:?}");
    assert!(
        stdout.contains("Science Standards (CASE document doc): 2 levels deep"),
        "{stdout}"
    );
    assert!(
        stdout.contains("depth 2: 3 items, 3 leaves (no type 3)  → competencies"),
        "{stdout}"
    );
    assert!(stdout.contains("1 areas, 3 competencies"), "{stdout}");
    assert!(stdout.contains("Nothing was written."), "{stdout}");

    let run = cairn(&["import", "case", path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{run:?}");
    assert!(
        stdout.contains("(new): 3 competencies added, 0 updated, 0 unchanged, 0 retired"),
        "{stdout}"
    );
    let again = cairn(&["import", "case", path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains(": 0 competencies added, 0 updated, 3 unchanged, 0 retired"),
        "{stdout}"
    );

    // Exported, the framework is the package's: the same document, items and codes.
    let framework = stdout
        .split("Written: framework ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap()
        .trim()
        .to_string();
    let exported = cairn(&["export", "case", &framework, "--data-dir", dir]);
    assert!(exported.status.success(), "{exported:?}");
    let written: serde_json::Value = serde_json::from_slice(&exported.stdout).unwrap();
    assert_eq!(written["CFDocument"]["identifier"], "doc");
    assert_eq!(written["CFDocument"]["title"], "Science Standards");
    let codes: Vec<&str> = written["CFItems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["humanCodingScheme"].as_str())
        .collect();
    assert_eq!(codes, ["SC.1", "SC.1.1", "SC.1.2", "SC.1.3"]);
    assert_refused(
        &cairn(&["export", "case", "9999", "--data-dir", dir]),
        "framework 9999 not found",
    );

    // An item whose parent is in no package: named, and nothing written.
    std::fs::write(
        &file,
        package(&format!(", {}", item("lost", "SC.9", "Lost"))),
    )
    .unwrap();
    let broken = cairn(&["import", "case", path, "--data-dir", dir]);
    let stdout = String::from_utf8_lossy(&broken.stdout);
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert_eq!(broken.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("problem: SC.9 (lost): has no isChildOf association"),
        "{stdout}"
    );
    assert!(
        stderr.contains("so nothing was written (use --valid-part"),
        "{stderr}"
    );

    std::fs::write(&file, "<CFPackage/>").unwrap();
    assert_refused(
        &cairn(&["import", "case", path, "--data-dir", dir]),
        "neither a CASE 1.0 package (JSON) nor a spreadsheet",
    );

    // A Rich Skill Descriptor into the framework's area, then out again.
    let skill = data.join("skill.json");
    std::fs::write(
        &skill,
        r#"{"id": "https://osmt.example.edu/api/skills/5c1e", "uuid": "5c1e0000-0000-4000-8000-000000000001",
            "skillName": "Lab safety", "skillStatement": "Works safely in a laboratory.",
            "authors": ["State"], "occupations": [{"code": "19-4031.00", "targetNodeName": "Chemical Technicians"}]}"#,
    )
    .unwrap();
    let skill = skill.to_str().unwrap();
    let args = [
        "import",
        "rsd",
        skill,
        "--framework",
        &framework,
        "--data-dir",
        dir,
    ];
    let imported = cairn(&[&args[..], &["--area", "SC.1"]].concat());
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert!(imported.status.success(), "{imported:?}");
    assert!(
        stdout.ends_with("1 competencies added, 0 updated.\n"),
        "{stdout}"
    );
    let competency = stdout
        .strip_prefix("competency ")
        .and_then(|rest| rest.split(':').next())
        .unwrap()
        .to_string();
    assert_refused(
        &cairn(&[&args[..], &["--area", "XX"]].concat()),
        "area: XX is not an area of Science Standards",
    );
    let out = cairn(&["export", "rsd", &competency, "--data-dir", dir]);
    assert!(out.status.success(), "{out:?}");
    let descriptor: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(descriptor["skillName"], "Lab safety");
    assert_eq!(descriptor["id"], "https://osmt.example.edu/api/skills/5c1e");
    assert_eq!(descriptor["occupations"][0]["code"], "19-4031.00");
    let _ = std::fs::remove_dir_all(&data);
}
