//! Verifying any verifiable credential — Cairn's or another issuer's — offline, the way
//! 1EdTech's validator and the DCC's VerifierPlus report it: the signature holding is kept apart
//! from knowing who the issuer is, and from the credential having been issued to the person
//! showing it.
//!
//! A credential arrives as JSON (with embedded proofs) or as a VC-JWT. The caller first asks what
//! it needs ([`Presented::needs`]): the keys behind the verification methods and the status
//! lists; looks them up where it can (its own issuers, its trusted issuers' documents; `did:key`
//! and `did:jwk` need no lookup) and says which issuers it knows and who is showing the
//! credential ([`Trust`]); then runs the checks, each with its own outcome: format, signature,
//! issuer, validity window, status and holder.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::canon::context;
use super::keys::{parse_public_jwk, parse_public_multibase, public_multibase, PublicKey};
use super::open_badge::email_hash;
use super::status_list::Bitstring;
use super::{jwt, proof};
use crate::error::{CoreError, CoreResult};
use crate::model::{Check, IssuerIdentity, Outcome, Verification};

/// The largest credential accepted for verification or import.
pub const MAX_CREDENTIAL_BYTES: usize = 256 * 1024;
/// JSON nested deeper than this is refused before any processing.
const MAX_DEPTH: usize = 32;

const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// A credential as presented: JSON-LD with embedded proofs, or a VC-JWT.
#[derive(Debug, Clone)]
pub enum Presented {
    Linked(Value),
    Jwt(jwt::Decoded),
}

/// What verification needs from outside.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs {
    /// The verification methods of the proofs (or the JWT's `kid`).
    pub verification_methods: Vec<String>,
    /// The status lists its status entries name, with the entry's index where it is a number.
    pub status_lists: Vec<(String, Option<usize>)>,
    pub issuer: Option<String>,
    /// The credential's own id, if it has one.
    pub id: Option<String>,
}

/// A public key a caller vouches for, and the identifier that controls it.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub key: PublicKey,
    pub controller: String,
}

/// A status entry's bit as the caller found it: a whole list (fetched or given), or one entry
/// read from where the caller keeps its own lists.
#[derive(Debug, Clone)]
pub enum StatusSource {
    List(Bitstring),
    Entry { index: usize, set: bool },
}

/// The person showing a credential (a backpack's owner), to compare with its subject.
#[derive(Debug, Clone, Default)]
pub struct Holder {
    pub name: String,
    /// Identifiers that are this person's and nobody else's (their Cairn URLs).
    pub ids: Vec<String>,
    pub emails: Vec<String>,
    /// URL prefixes under which this Cairn names people: a subject there that is not one of
    /// `ids` is someone else.
    pub local_prefixes: Vec<String>,
}

/// What the caller found and knows.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// Keys by verification method.
    pub keys: HashMap<String, TrustedKey>,
    /// Status lists by URL.
    pub status_lists: HashMap<String, StatusSource>,
    /// Issuers known here (this institution, its trusted issuers), by id, with their names.
    pub known_issuers: HashMap<String, String>,
    /// Whose knowledge that is ("Riverbend Grammar School"), for "not known to …".
    pub knower: String,
    pub holder: Option<Holder>,
    /// When a newer version of this credential was issued, if one was.
    pub superseded_on: Option<String>,
}

impl Trust {
    /// Vouches for the keys a controller document lists, each as its controller's.
    pub fn vouch_for(&mut self, controller: &str, keys: Vec<(String, PublicKey)>) {
        for (method, key) in keys {
            self.keys.insert(
                method,
                TrustedKey {
                    key,
                    controller: controller.to_owned(),
                },
            );
        }
    }
}

/// The signature check and, when a proof verified, the controller of its key.
#[derive(Debug, Clone)]
pub struct SignatureOutcome {
    pub check: Check,
    pub controller: Option<String>,
}

impl Presented {
    /// Reads a credential file's text: a JSON object, or a compact JWT. Huge, deeply nested and
    /// non-credential input is refused with the reason.
    pub fn parse(text: &str) -> CoreResult<Presented> {
        if text.len() > MAX_CREDENTIAL_BYTES {
            return Err(CoreError::invalid(
                "credential",
                format!("is larger than {} KB", MAX_CREDENTIAL_BYTES / 1024),
            ));
        }
        let trimmed = text.trim();
        if !trimmed.starts_with('{') {
            return jwt::decode(trimmed).map(Presented::Jwt);
        }
        if nesting(trimmed) > MAX_DEPTH {
            return Err(CoreError::invalid(
                "credential",
                format!("is nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let value: Value = serde_json::from_str(trimmed)
            .map_err(|error| CoreError::invalid("credential", format!("is not JSON: {error}")))?;
        if !value.is_object() {
            return Err(CoreError::invalid("credential", "is not a JSON object"));
        }
        Ok(Presented::Linked(value))
    }

    pub fn credential(&self) -> &Value {
        match self {
            Presented::Linked(value) => value,
            Presented::Jwt(decoded) => &decoded.credential,
        }
    }

    pub fn needs(&self) -> Needs {
        let verification_methods = match self {
            Presented::Linked(value) => proof::proofs(value)
                .into_iter()
                .filter_map(proof::verification_method)
                .map(str::to_owned)
                .collect(),
            Presented::Jwt(decoded) => decoded.kid().map(str::to_owned).into_iter().collect(),
        };
        let credential = self.credential();
        Needs {
            verification_methods,
            status_lists: status_entries(credential)
                .iter()
                .filter_map(|entry| {
                    let list = entry["statusListCredential"].as_str()?;
                    Some((list.to_owned(), status_index(entry)))
                })
                .collect(),
            issuer: issuer_id(credential),
            id: credential["id"].as_str().map(str::to_owned),
        }
    }

    /// Runs every check at `now`. Blocking (canonicalization).
    pub fn verify(&self, trust: &Trust, now: OffsetDateTime) -> Verification {
        let signature = self.signature(trust);
        self.verify_with(trust, now, signature)
    }

    /// Runs every check but the signature, whose outcome is given (a signature, checked once
    /// against the same keys, never changes). Cheap: no canonicalization.
    pub fn verify_with(
        &self,
        trust: &Trust,
        now: OffsetDateTime,
        signature: SignatureOutcome,
    ) -> Verification {
        let credential = self.credential();
        let (format, badge) = format_check(credential);
        let issuer = issuer_id(credential);
        let (issuer_check, known_name) = issuer_check(issuer.as_deref(), &signature, trust);
        let checks = vec![
            format,
            signature.check,
            issuer_check,
            window_check(credential, now),
            status_check(credential, trust),
            holder_check(credential, trust.holder.as_ref()),
        ];
        Verification::new(
            checks,
            badge,
            IssuerIdentity {
                id: issuer.unwrap_or_default(),
                known_name,
            },
        )
    }

    /// The signature check: every proof (or the JWT's signature) against the key its method
    /// resolves to. Valid when one supported proof verifies; undecided when no key could be
    /// found offline or no proof is of a kind Cairn checks; failed when a signature does not
    /// match. Blocking (canonicalization).
    pub fn signature(&self, trust: &Trust) -> SignatureOutcome {
        let mut reports = Vec::new();
        let (mut valid, mut invalid) = (None::<String>, false);
        match self {
            Presented::Linked(value) => {
                let proofs = proof::proofs(value);
                if proofs.is_empty() {
                    return SignatureOutcome {
                        check: Check::new(
                            "signature",
                            Outcome::Failed,
                            "the credential carries no proof",
                        ),
                        controller: None,
                    };
                }
                for found in proofs {
                    let name = proof::proof_name(found);
                    let method = proof::verification_method(found).unwrap_or_default();
                    let report = if proof::Suite::of(found).is_none() {
                        format!("{name}: not a proof type Cairn checks")
                    } else {
                        match key_for(method, trust) {
                            None => format!("{name} by {method}: its key cannot be found offline"),
                            Some(key) => match key
                                .key
                                .ed25519()
                                .and_then(|ed| proof::verify_proof(value, found, ed))
                            {
                                Ok(()) => {
                                    valid.get_or_insert(key.controller);
                                    format!("{name} by {method}: valid")
                                }
                                Err(error) => {
                                    invalid = true;
                                    format!("{name} by {method}: {}", reason(error))
                                }
                            },
                        }
                    };
                    reports.push(report);
                }
            }
            Presented::Jwt(decoded) => {
                let name = format!("VC-JWT signed with {}", decoded.algorithm.name());
                let key = decoded
                    .kid()
                    .and_then(|kid| key_for(kid, trust))
                    .or_else(|| embedded_key(decoded));
                let by = decoded.kid().unwrap_or("an embedded key");
                reports.push(match key {
                    None => format!("{name} by {by}: its key cannot be found offline"),
                    Some(key) => match decoded.verify(&key.key) {
                        Ok(()) => {
                            valid = Some(key.controller);
                            format!("{name} by {by}: valid")
                        }
                        Err(error) => {
                            invalid = true;
                            format!("{name} by {by}: {}", reason(error))
                        }
                    },
                });
            }
        }
        let outcome = match (&valid, invalid) {
            (Some(_), _) => Outcome::Passed,
            (None, true) => Outcome::Failed,
            (None, false) => Outcome::Unknown,
        };
        SignatureOutcome {
            check: Check::new("signature", outcome, reports.join("; ")),
            controller: valid,
        }
    }
}

/// The key behind a verification method: one the caller vouches for, or one the identifier
/// itself is (`did:key`, `did:jwk`).
fn key_for(method: &str, trust: &Trust) -> Option<TrustedKey> {
    if let Some(found) = trust.keys.get(method) {
        return Some(found.clone());
    }
    let did = method.split('#').next().unwrap_or(method);
    let key = if let Some(multibase) = did.strip_prefix("did:key:") {
        parse_public_multibase(multibase)
            .ok()
            .map(PublicKey::Ed25519)
    } else if let Some(encoded) = did.strip_prefix("did:jwk:") {
        URL_SAFE_NO_PAD
            .decode(encoded)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .and_then(|jwk| parse_public_jwk(&jwk).ok())
    } else {
        None
    }?;
    Some(TrustedKey {
        key,
        controller: did.to_owned(),
    })
}

/// A key embedded in a token proves only that its holder signed: it belongs to the issuer only
/// when the issuer is that very key's `did:key`.
fn embedded_key(decoded: &jwt::Decoded) -> Option<TrustedKey> {
    let key = parse_public_jwk(decoded.jwk()?).ok()?;
    let controller = match &key {
        PublicKey::Ed25519(ed) => format!("did:key:{}", public_multibase(ed)),
        PublicKey::Rsa(_) => "a key embedded in the token".to_owned(),
    };
    Some(TrustedKey { key, controller })
}

fn reason(error: CoreError) -> String {
    match error {
        CoreError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

fn issuer_id(credential: &Value) -> Option<String> {
    match &credential["issuer"] {
        Value::String(id) => Some(id.clone()),
        issuer => issuer["id"].as_str().map(str::to_owned),
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match value.get("type") {
        Some(Value::String(kind)) => kind == name,
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == name),
        _ => false,
    }
}

fn subjects(credential: &Value) -> Vec<&Value> {
    match &credential["credentialSubject"] {
        Value::Array(subjects) => subjects.iter().collect(),
        Value::Null => Vec::new(),
        subject => vec![subject],
    }
}

/// The structure Open Badges 3.0 requires (its JSON schema's required fields), each problem
/// named by its JSON path; and whether it is a badge at all.
fn format_check(credential: &Value) -> (Check, bool) {
    let mut problems: Vec<String> = Vec::new();
    let mut require = |ok: bool, path: &str, what: &str| {
        if !ok {
            problems.push(format!("{path}: {what}"));
        }
    };
    let contexts: Vec<&str> = match &credential["@context"] {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        Value::String(single) => vec![single.as_str()],
        _ => Vec::new(),
    };
    let model = match contexts.first().copied() {
        Some(VC2_CONTEXT) => "VC 2.0",
        Some(VC1_CONTEXT) => "VC 1.1",
        _ => "",
    };
    require(
        !model.is_empty(),
        "@context",
        "must start with the W3C credentials context (v1 or v2)",
    );
    if let Some(unknown) = contexts.iter().find(|url| context(url).is_none()) {
        require(
            false,
            "@context",
            &format!("{unknown} is not a context Cairn knows; contexts are never fetched"),
        );
    }
    require(
        has_type(credential, "VerifiableCredential"),
        "type",
        "must include VerifiableCredential",
    );
    require(
        issuer_id(credential).is_some_and(|id| !id.is_empty()),
        "issuer",
        "must be the issuer's id, or a profile with an id",
    );
    let start = if model == "VC 1.1" {
        "issuanceDate"
    } else {
        "validFrom"
    };
    let kind = if has_type(credential, "OpenBadgeCredential")
        || has_type(credential, "AchievementCredential")
    {
        "OpenBadgeCredential"
    } else if has_type(credential, "EndorsementCredential") {
        "EndorsementCredential"
    } else {
        ""
    };
    let subjects = subjects(credential);
    require(!subjects.is_empty(), "credentialSubject", "is missing");
    if !kind.is_empty() {
        require(
            credential[start].is_string(),
            start,
            "is required of an Open Badge",
        );
        if credential["issuer"].is_object() {
            require(
                has_type(&credential["issuer"], "Profile"),
                "issuer.type",
                "must include Profile",
            );
        }
    }
    if kind == "OpenBadgeCredential" {
        let subject = subjects.first().copied().unwrap_or(&Value::Null);
        require(
            has_type(subject, "AchievementSubject"),
            "credentialSubject.type",
            "must include AchievementSubject",
        );
        let achievement = &subject["achievement"];
        if achievement.is_object() {
            require(
                achievement["id"].is_string(),
                "credentialSubject.achievement.id",
                "is missing",
            );
            require(
                has_type(achievement, "Achievement"),
                "credentialSubject.achievement.type",
                "must include Achievement",
            );
            for field in ["name", "description"] {
                require(
                    achievement[field].is_string(),
                    &format!("credentialSubject.achievement.{field}"),
                    "is missing",
                );
            }
            require(
                achievement["criteria"].is_object(),
                "credentialSubject.achievement.criteria",
                "is missing",
            );
        } else {
            require(false, "credentialSubject.achievement", "is missing");
        }
    }
    if kind == "EndorsementCredential" {
        let subject = subjects.first().copied().unwrap_or(&Value::Null);
        require(
            has_type(subject, "EndorsementSubject"),
            "credentialSubject.type",
            "must include EndorsementSubject",
        );
        require(
            subject["id"].is_string(),
            "credentialSubject.id",
            "names nothing endorsed",
        );
    }
    let check = if problems.is_empty() {
        let what = match kind {
            "OpenBadgeCredential" => "an Open Badges 3.0 OpenBadgeCredential",
            "EndorsementCredential" => "an Open Badges 3.0 EndorsementCredential",
            _ => "a verifiable credential, not an Open Badge",
        };
        Check::new(
            "format",
            Outcome::Passed,
            format!("{what} ({model} data model)"),
        )
    } else {
        Check::new("format", Outcome::Failed, problems.join("; "))
    };
    (check, !kind.is_empty())
}

fn issuer_check(
    issuer: Option<&str>,
    signature: &SignatureOutcome,
    trust: &Trust,
) -> (Check, Option<String>) {
    let knower = if trust.knower.is_empty() {
        "this Cairn"
    } else {
        trust.knower.as_str()
    };
    let (outcome, detail, name) = match (issuer, &signature.controller) {
        (None, _) => (
            Outcome::Failed,
            "the credential names no issuer".to_owned(),
            None,
        ),
        (Some(issuer), None) => (
            Outcome::Unknown,
            format!("{issuer} cannot be confirmed without a valid signature"),
            None,
        ),
        (Some(issuer), Some(controller)) if controller != issuer => (
            Outcome::Failed,
            format!("signed with a key of {controller}, not of the issuer {issuer}"),
            None,
        ),
        (Some(issuer), Some(_)) => match trust.known_issuers.get(issuer) {
            Some(name) => (
                Outcome::Passed,
                format!("{name} ({issuer}), known to {knower}"),
                Some(name.clone()),
            ),
            None => (
                Outcome::Unknown,
                format!("{issuer} is not known to {knower}"),
                None,
            ),
        },
    };
    (Check::new("issuer", outcome, detail), name)
}

fn window_check(credential: &Value, now: OffsetDateTime) -> Check {
    let date = |fields: [&str; 2]| -> Result<Option<(String, OffsetDateTime)>, String> {
        let Some(field) = fields
            .into_iter()
            .find(|field| !credential[*field].is_null())
        else {
            return Ok(None);
        };
        let text = credential[field].as_str().unwrap_or_default();
        OffsetDateTime::parse(text, &Rfc3339)
            .map(|at| Some((text.to_owned(), at)))
            .map_err(|_| format!("{field} is not a date-time"))
    };
    let outcome = (|| {
        let from = date(["validFrom", "issuanceDate"])?;
        if let Some((text, from)) = &from {
            if *from > now {
                return Err(format!("not valid yet: valid from {text}"));
            }
        }
        if let Some((text, until)) = date(["validUntil", "expirationDate"])? {
            if until <= now {
                return Err(format!("expired: valid until {text}"));
            }
            return Ok(format!("within its validity period (until {text})"));
        }
        Ok(if from.is_some() {
            "within its validity period".to_owned()
        } else {
            "it states no validity period".to_owned()
        })
    })();
    match outcome {
        Ok(detail) => Check::new("validity window", Outcome::Passed, detail),
        Err(detail) => Check::new("validity window", Outcome::Failed, detail),
    }
}

fn status_entries(credential: &Value) -> Vec<&Value> {
    match &credential["credentialStatus"] {
        Value::Array(entries) => entries.iter().collect(),
        Value::Null => Vec::new(),
        entry => vec![entry],
    }
}

fn status_index(entry: &Value) -> Option<usize> {
    entry["statusListIndex"]
        .as_str()
        .and_then(|index| index.parse::<usize>().ok())
        .or_else(|| {
            entry["statusListIndex"]
                .as_u64()
                .map(|index| index as usize)
        })
}

fn status_check(credential: &Value, trust: &Trust) -> Check {
    let entries = status_entries(credential);
    let mut failed = Vec::new();
    let mut unknown = Vec::new();
    let mut passed = Vec::new();
    for entry in &entries {
        let kind = entry["type"].as_str().unwrap_or("an untyped entry");
        if !matches!(kind, "BitstringStatusListEntry" | "StatusList2021Entry") {
            unknown.push(format!("{kind} is not a status method Cairn reads offline"));
            continue;
        }
        let purpose = entry["statusPurpose"].as_str().unwrap_or("revocation");
        let Some(url) = entry["statusListCredential"].as_str() else {
            failed.push("its status entry names no list".to_owned());
            continue;
        };
        let Some(index) = status_index(entry) else {
            failed.push("its statusListIndex is not a number".to_owned());
            continue;
        };
        let set = match trust.status_lists.get(url) {
            None => {
                unknown.push(format!("the status list {url} cannot be fetched offline"));
                continue;
            }
            Some(StatusSource::List(list)) => list.get(index),
            Some(StatusSource::Entry { index: known, set }) => (*known == index).then_some(*set),
        };
        match (set, purpose) {
            (None, _) => failed.push("its statusListIndex is beyond the list".to_owned()),
            (Some(true), "suspension") => failed.push("suspended by its issuer".to_owned()),
            (Some(true), _) => failed.push("revoked by its issuer".to_owned()),
            (Some(false), "suspension") => passed.push("not suspended".to_owned()),
            (Some(false), _) => passed.push("not revoked".to_owned()),
        }
    }
    if let Some(date) = &trust.superseded_on {
        failed.push(format!(
            "superseded on {date}: a newer version of this credential replaces it"
        ));
    }
    if !failed.is_empty() {
        Check::new("status", Outcome::Failed, failed.join("; "))
    } else if !unknown.is_empty() {
        Check::new("status", Outcome::Unknown, unknown.join("; "))
    } else if entries.is_empty() {
        Check::new(
            "status",
            Outcome::Passed,
            "no status list: it cannot be revoked",
        )
    } else {
        Check::new("status", Outcome::Passed, passed.join("; "))
    }
}

/// Whether the credential was issued to the person showing it: its subject's `id`, or an email
/// `identifier` (plain, or hashed with its salt).
fn holder_check(credential: &Value, holder: Option<&Holder>) -> Check {
    let Some(holder) = holder else {
        return Check::new(
            "holder",
            Outcome::Unknown,
            "cannot tell: nobody to compare its subject with",
        );
    };
    let emails: Vec<String> = holder
        .emails
        .iter()
        .map(|email| email.trim().to_lowercase())
        .collect();
    let mut someone_else = None;
    for subject in subjects(credential) {
        if let Some(id) = subject["id"].as_str() {
            let mail = id.strip_prefix("mailto:").map(str::to_lowercase);
            if holder.ids.iter().any(|own| own == id)
                || mail.as_ref().is_some_and(|mail| emails.contains(mail))
            {
                return Check::new(
                    "holder",
                    Outcome::Passed,
                    format!("issued to {} ({id})", holder.name),
                );
            }
            if mail.is_some() || holder.local_prefixes.iter().any(|p| id.starts_with(p)) {
                someone_else = Some(id.to_owned());
            }
        }
        let identifiers = match &subject["identifier"] {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            Value::Null => Vec::new(),
            single => vec![single],
        };
        for identity in identifiers {
            let kind = identity["identityType"].as_str().unwrap_or_default();
            if !matches!(kind, "emailAddress" | "email") {
                continue;
            }
            let stated = identity["identityHash"].as_str().unwrap_or_default();
            let hashed = identity["hashed"].as_bool().unwrap_or(false);
            let salt = identity["salt"].as_str().unwrap_or_default();
            let matches = emails.iter().any(|email| {
                if hashed {
                    email_hash(email, salt).eq_ignore_ascii_case(stated)
                } else {
                    stated.trim().eq_ignore_ascii_case(email)
                }
            });
            if matches {
                return Check::new(
                    "holder",
                    Outcome::Passed,
                    format!("issued to {} (by their email address)", holder.name),
                );
            }
            someone_else.get_or_insert_with(|| "another email address".to_owned());
        }
    }
    match someone_else {
        Some(other) => Check::new(
            "holder",
            Outcome::Failed,
            format!("issued to someone else ({other}), not to {}", holder.name),
        ),
        None => Check::new(
            "holder",
            Outcome::Unknown,
            "cannot tell: its subject is named in no way Cairn can compare",
        ),
    }
}

/// How deeply brackets nest in JSON text (strings skipped), counted before parsing.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for byte in text.bytes() {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::credentials::keys::{document_keys, generate, public_multibase, SigningKey};
    use crate::credentials::open_badge::tests::claim;
    use crate::credentials::proof::{add_proof, sign, ProofOptions, Suite};
    use crate::credentials::status_list::Bitstring;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-26 12:00 UTC);
    const SCHOOL: &str = "https://school.example/issuers/1";

    fn options(method: &str) -> ProofOptions<'_> {
        ProofOptions {
            verification_method: method,
            created: "2026-11-25T09:00:00Z",
        }
    }

    /// A trust that vouches for `key` as the school's and knows the school.
    fn school_trust(key: &SigningKey, method: &str) -> Trust {
        let mut trust = Trust {
            knower: "Riverside School".into(),
            ..Trust::default()
        };
        trust.keys.insert(
            method.to_owned(),
            TrustedKey {
                key: PublicKey::Ed25519(key.verifying_key()),
                controller: SCHOOL.into(),
            },
        );
        trust
            .known_issuers
            .insert(SCHOOL.into(), "Riverside School".into());
        trust.status_lists.insert(
            format!("{SCHOOL}/status/1"),
            StatusSource::List(Bitstring::new()),
        );
        trust
    }

    fn issued() -> (Presented, Trust, String) {
        issued_as(claim().to_credential())
    }

    fn issued_as(credential: Value) -> (Presented, Trust, String) {
        let key = generate();
        let method = format!("{SCHOOL}#key-1");
        let secured = sign(&credential, &key, &options(&method)).unwrap();
        (
            Presented::Linked(secured),
            school_trust(&key, &method),
            method,
        )
    }

    fn outcomes(verification: &Verification) -> Vec<(&str, Outcome)> {
        verification
            .checks
            .iter()
            .map(|c| (c.check.as_str(), c.outcome))
            .collect()
    }

    fn outcome(verification: &Verification, check: &str) -> (Outcome, String) {
        let found = verification
            .checks
            .iter()
            .find(|c| c.check == check)
            .unwrap();
        (found.outcome, found.detail.clone())
    }

    #[test]
    fn an_issued_credential_passes_every_check() {
        let (presented, trust, method) = issued();
        assert_eq!(presented.needs().verification_methods, vec![method]);
        let verification = presented.verify(&trust, NOW);
        assert!(verification.verified, "{verification:?}");
        assert_eq!(
            outcomes(&verification),
            vec![
                ("format", Outcome::Passed),
                ("signature", Outcome::Passed),
                ("issuer", Outcome::Passed),
                ("validity window", Outcome::Passed),
                ("status", Outcome::Passed),
                ("holder", Outcome::Unknown),
            ]
        );
        assert_eq!(
            verification.issuer.known_name.as_deref(),
            Some("Riverside School")
        );
    }

    #[test]
    fn each_failure_names_its_reason() {
        let (presented, mut trust, _) = issued();
        let failed = |presented: &Presented, trust: &Trust, now| {
            presented.verify(trust, now).failure().cloned().unwrap()
        };
        let early = failed(&presented, &trust, datetime!(2026-11-24 12:00 UTC));
        assert_eq!(early.check, "validity window");
        assert!(early.detail.starts_with("not valid yet"));

        let Presented::Linked(mut tampered) = presented.clone() else {
            unreachable!()
        };
        tampered["credentialSubject"]["achievement"]["name"] = "Rocket science".into();
        let tampered = failed(&Presented::Linked(tampered), &trust, NOW);
        assert_eq!(tampered.check, "signature");
        assert_eq!(tampered.outcome, Outcome::Failed);

        let mut expiring = claim().to_credential();
        expiring["validUntil"] = "2026-11-26T00:00:00Z".into();
        let (expiring, expiring_trust, _) = issued_as(expiring);
        let expired = failed(&expiring, &expiring_trust, NOW);
        assert_eq!(expired.check, "validity window");
        assert!(expired.detail.starts_with("expired"), "{}", expired.detail);

        let mut revoked = Bitstring::new();
        revoked.set(4).unwrap();
        trust
            .status_lists
            .insert(format!("{SCHOOL}/status/1"), StatusSource::List(revoked));
        let revoked = failed(&presented, &trust, NOW);
        assert_eq!(
            (revoked.check.as_str(), revoked.detail.as_str()),
            ("status", "revoked by its issuer")
        );

        trust.status_lists.clear();
        let unreachable = presented.verify(&trust, NOW);
        assert!(!unreachable.verified);
        let (status, detail) = outcome(&unreachable, "status");
        assert_eq!(status, Outcome::Unknown);
        assert!(detail.ends_with("cannot be fetched offline"), "{detail}");

        trust.status_lists.insert(
            format!("{SCHOOL}/status/1"),
            StatusSource::Entry {
                index: 4,
                set: false,
            },
        );
        trust.superseded_on = Some("2026-11-26".into());
        let superseded = failed(&presented, &trust, NOW);
        assert_eq!(superseded.check, "status");
        assert!(superseded.detail.starts_with("superseded on 2026-11-26"));
    }

    /// A credential signed by a `did:key` of its own.
    fn self_signed(credential: &Value, suite: Suite) -> (Value, SigningKey) {
        let key = generate();
        let did = format!("did:key:{}", public_multibase(&key.verifying_key()));
        let method = format!("{did}#{}", public_multibase(&key.verifying_key()));
        let mut credential = credential.clone();
        credential["issuer"]["id"] = json!(did);
        (
            add_proof(&credential, &key, &options(&method), suite).unwrap(),
            key,
        )
    }

    #[test]
    fn a_self_signed_badge_claiming_a_schools_name_is_from_an_issuer_not_known() {
        let mut forged = claim().to_credential();
        forged["issuer"]["name"] = json!("Riverbend Grammar School");
        forged["name"] = json!("Dux of the School");
        let (forged, _) = self_signed(&forged, Suite::EddsaRdfc2022);
        let mut trust = Trust {
            knower: "Riverbend Grammar School".into(),
            ..Trust::default()
        };
        trust
            .known_issuers
            .insert(SCHOOL.into(), "Riverbend Grammar School".into());
        let verification = Presented::Linked(forged).verify(&trust, NOW);
        assert!(!verification.verified);
        assert!(verification.signature_valid);
        assert_eq!(verification.issuer.known_name, None);
        let (issuer, detail) = outcome(&verification, "issuer");
        assert_eq!(issuer, Outcome::Unknown);
        assert!(
            detail.ends_with("is not known to Riverbend Grammar School"),
            "{detail}"
        );
        assert_eq!(verification.summary(), "Signature valid — issuer not known");
    }

    #[test]
    fn a_key_of_someone_else_is_not_the_issuers() {
        let key = generate();
        let did = format!("did:key:{}", public_multibase(&key.verifying_key()));
        let method = format!("{did}#{}", public_multibase(&key.verifying_key()));
        let secured = sign(&claim().to_credential(), &key, &options(&method)).unwrap();
        let verification = Presented::Linked(secured).verify(&Trust::default(), NOW);
        assert_eq!(outcome(&verification, "signature").0, Outcome::Passed);
        assert_eq!(outcome(&verification, "issuer").0, Outcome::Failed);
    }

    /// An OB 3.0.1 badge on the VC 1.1 data model, as platforms issued them in 2023–2024.
    pub(crate) fn vc11_badge() -> Value {
        json!({
            "@context": [
                "https://www.w3.org/2018/credentials/v1",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
                "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
                "https://w3id.org/security/suites/ed25519-2020/v1"
            ],
            "id": "urn:uuid:2f4e6a2c-5f0b-4c1e-9a55-0e7d7c1a9b10",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": "did:web:badges.example.org",
                "type": "Profile",
                "name": "Example Badging Platform"
            },
            "issuanceDate": "2024-03-01T10:00:00Z",
            "expirationDate": "2030-03-01T10:00:00Z",
            "name": "Intro to Data",
            "credentialSubject": {
                "type": "AchievementSubject",
                "identifier": [{
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": false,
                    "identityHash": "ada@school.example"
                }],
                "achievement": {
                    "id": "https://badges.example.org/achievements/intro-data",
                    "type": "Achievement",
                    "name": "Intro to Data",
                    "description": "Cleans and charts a small data set.",
                    "criteria": {"narrative": "Completed the course project."}
                }
            }
        })
    }

    /// The platform's DID document, with its key as an Ed25519VerificationKey2020.
    pub(crate) fn did_web_document(key: &SigningKey) -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
            "id": "did:web:badges.example.org",
            "verificationMethod": [{
                "id": "did:web:badges.example.org#key-1",
                "type": "Ed25519VerificationKey2020",
                "controller": "did:web:badges.example.org",
                "publicKeyMultibase": public_multibase(&key.verifying_key()),
            }],
            "assertionMethod": ["did:web:badges.example.org#key-1"]
        })
    }

    /// Trusts an issuer by its document, as an administrator's list or `--issuer` does.
    fn trusting(document: &Value, name: &str) -> Trust {
        let (controller, keys) = document_keys(document).unwrap();
        let mut trust = Trust {
            knower: "Riverside School".into(),
            ..Trust::default()
        };
        trust.vouch_for(&controller, keys);
        trust.known_issuers.insert(controller, name.into());
        trust
    }

    #[test]
    fn a_vc_1_1_badge_with_an_ed25519_signature_2020_from_a_did_web_issuer_verifies() {
        let key = generate();
        let secured = add_proof(
            &vc11_badge(),
            &key,
            &options("did:web:badges.example.org#key-1"),
            Suite::Ed25519Signature2020,
        )
        .unwrap();
        assert_eq!(secured["proof"]["type"], "Ed25519Signature2020");
        let trust = trusting(&did_web_document(&key), "Example Badging Platform");
        let mut trust = trust;
        trust.holder = Some(Holder {
            name: "Ada".into(),
            emails: vec!["Ada@School.example".into()],
            ..Holder::default()
        });
        let verification = Presented::Linked(secured.clone()).verify(&trust, NOW);
        assert!(verification.verified, "{verification:#?}");
        assert_eq!(outcome(&verification, "holder").0, Outcome::Passed);
        assert!(outcome(&verification, "format").1.contains("VC 1.1"));

        let mut tampered = secured;
        tampered["expirationDate"] = json!("2040-03-01T10:00:00Z");
        let verification = Presented::Linked(tampered).verify(&trust, NOW);
        assert_eq!(outcome(&verification, "signature").0, Outcome::Failed);
        assert!(!verification.verified);

        // Without the platform's document its key is out of reach: undecided, not forged.
        let unknown = add_proof(
            &vc11_badge(),
            &key,
            &options("did:web:badges.example.org#key-1"),
            Suite::Ed25519Signature2020,
        )
        .unwrap();
        let verification = Presented::Linked(unknown).verify(&Trust::default(), NOW);
        assert_eq!(outcome(&verification, "signature").0, Outcome::Unknown);
    }

    #[test]
    fn two_proofs_are_each_named_and_one_valid_proof_suffices() {
        let (presented, trust, _) = issued();
        let Presented::Linked(secured) = presented else {
            unreachable!()
        };
        // A second proof, by a key nobody here can find (an endorser's, say).
        let other = generate();
        let twice = add_proof(
            &secured,
            &other,
            &options("https://endorser.example/keys#1"),
            Suite::EddsaRdfc2022,
        )
        .unwrap();
        assert_eq!(twice["proof"].as_array().unwrap().len(), 2);
        let verification = Presented::Linked(twice.clone()).verify(&trust, NOW);
        assert!(verification.verified, "{verification:#?}");
        let (_, detail) = outcome(&verification, "signature");
        assert!(detail.contains(": valid"), "{detail}");
        assert!(
            detail.contains("https://endorser.example/keys#1: its key cannot be found offline"),
            "{detail}"
        );

        let mut tampered = twice;
        tampered["name"] = json!("Something else");
        let verification = Presented::Linked(tampered).verify(&trust, NOW);
        assert_eq!(outcome(&verification, "signature").0, Outcome::Failed);
    }

    #[test]
    fn an_rs256_jwt_from_a_trusted_issuer_verifies_and_a_changed_one_does_not() {
        let vc = {
            let mut vc = vc11_badge();
            vc.as_object_mut().unwrap().remove("issuer");
            vc.as_object_mut().unwrap().remove("id");
            vc
        };
        let token = crate::credentials::jwt::tests::rs256_vc11(
            &vc,
            json!({"iss": "https://badges.example.org/issuer", "jti": "urn:uuid:9", "nbf": 1_709_287_200}),
            "https://badges.example.org/issuer#rsa-1",
        );
        let document = json!({
            "id": "https://badges.example.org/issuer",
            "verificationMethod": [{
                "id": "#rsa-1",
                "type": "JsonWebKey2020",
                "publicKeyJwk": crate::credentials::jwt::tests::rsa_public_jwk(),
            }]
        });
        let trust = trusting(&document, "Example Badging Platform");
        let presented = Presented::parse(&token).unwrap();
        let verification = presented.verify(&trust, NOW);
        assert!(verification.verified, "{verification:#?}");
        assert!(outcome(&verification, "signature").1.contains("RS256"));
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[2] = parts[2].replacen('A', "B", 1);
        let changed = Presented::parse(&parts.join("."))
            .unwrap()
            .verify(&trust, NOW);
        assert_eq!(outcome(&changed, "signature").0, Outcome::Failed);
    }

    #[test]
    fn endorsements_and_plain_credentials_are_not_refused_as_forged() {
        let (endorsement, key) = self_signed(
            &json!({
                "@context": [VC2_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "type": ["VerifiableCredential", "EndorsementCredential"],
                "issuer": {"id": "", "type": ["Profile"], "name": "A Guild"},
                "validFrom": "2025-01-01T00:00:00Z",
                "name": "Endorsement of the Number sense badge",
                "credentialSubject": {
                    "id": "https://school.example/achievements/3",
                    "type": ["EndorsementSubject"],
                    "endorsementComment": "Rigorous criteria."
                }
            }),
            Suite::EddsaRdfc2022,
        );
        let did = format!("did:key:{}", public_multibase(&key.verifying_key()));
        let mut trust = Trust::default();
        trust.known_issuers.insert(did.clone(), "A Guild".into());
        let verification = Presented::Linked(endorsement).verify(&trust, NOW);
        assert!(verification.verified, "{verification:#?}");
        assert!(verification.badge);

        let (plain, _) = self_signed(
            &json!({
                "@context": [VC2_CONTEXT],
                "type": ["VerifiableCredential"],
                "issuer": {"id": ""},
                "validFrom": "2025-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:ada"}
            }),
            Suite::EddsaRdfc2022,
        );
        let verification = Presented::Linked(plain).verify(&Trust::default(), NOW);
        assert!(!verification.badge);
        assert_eq!(outcome(&verification, "format").0, Outcome::Passed);
        assert_eq!(outcome(&verification, "signature").0, Outcome::Passed);
    }

    #[test]
    fn structural_errors_name_their_json_path() {
        let mut broken = claim().to_credential();
        broken["credentialSubject"]["achievement"]["type"] = json!(["Profile"]);
        broken["credentialSubject"]["achievement"]
            .as_object_mut()
            .unwrap()
            .remove("criteria");
        // Unsigned: a credential this broken cannot even be canonicalized (OB's terms are
        // defined by the Achievement type), but its structure is still reported path by path.
        let presented = Presented::Linked(broken);
        let (format, detail) = outcome(&presented.verify(&Trust::default(), NOW), "format");
        assert_eq!(format, Outcome::Failed);
        assert!(
            detail.contains("credentialSubject.achievement.type: must include Achievement"),
            "{detail}"
        );
        assert!(
            detail.contains("credentialSubject.achievement.criteria"),
            "{detail}"
        );
    }

    #[test]
    fn the_holder_is_told_by_subject_id_or_email() {
        let (presented, mut trust, _) = issued();
        let ada = Holder {
            name: "Ada".into(),
            ids: vec!["https://school.example/learners/12".into()],
            emails: vec![],
            local_prefixes: vec!["https://school.example/learners/".into()],
        };
        trust.holder = Some(ada.clone());
        assert_eq!(
            outcome(&presented.verify(&trust, NOW), "holder").0,
            Outcome::Passed
        );
        let by_email = Holder {
            ids: vec![],
            emails: vec!["ada@school.example".into()],
            local_prefixes: vec![],
            ..ada.clone()
        };
        trust.holder = Some(by_email);
        assert_eq!(
            outcome(&presented.verify(&trust, NOW), "holder").0,
            Outcome::Passed
        );
        let eve = Holder {
            name: "Eve".into(),
            ids: vec!["https://school.example/learners/13".into()],
            emails: vec!["eve@school.example".into()],
            local_prefixes: vec!["https://school.example/learners/".into()],
        };
        trust.holder = Some(eve);
        let verification = presented.verify(&trust, NOW);
        assert_eq!(outcome(&verification, "holder").0, Outcome::Failed);
        assert!(!verification.verified);
        assert_eq!(verification.summary(), "Issued to someone else");
    }

    #[test]
    fn hostile_input_is_refused_before_processing() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(Presented::parse(&format!("{{\"a\":{deep}}}")).is_err());
        assert!(Presented::parse(&"x".repeat(MAX_CREDENTIAL_BYTES + 1)).is_err());
        assert!(Presented::parse("not a credential").is_err());
    }
}
