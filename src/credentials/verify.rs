//! Verifying any Open Badges 3.0 credential — Cairn's or another issuer's — offline.
//!
//! A credential arrives as JSON (with an `eddsa-rdfc-2022` Data Integrity proof) or as a VC-JWT.
//! The caller first asks what it needs ([`Presented::needs`]): the key behind the verification
//! method and the status list, looks them up where it can (its own issuers; `did:key` and JWT
//! `jwk` keys need no lookup), then runs the checks, each with its own outcome.

use std::collections::HashMap;

use ed25519_dalek::VerifyingKey;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::keys::{parse_public_jwk, public_multibase, resolve_did_key};
use super::status_list::Bitstring;
use super::{jwt, proof};
use crate::error::{CoreError, CoreResult};
use crate::model::{Check, Verification};

/// The largest credential accepted for verification or import.
pub const MAX_CREDENTIAL_BYTES: usize = 256 * 1024;
/// JSON nested deeper than this is refused before any processing.
const MAX_DEPTH: usize = 32;

/// A credential as presented: JSON-LD with an embedded proof, or a VC-JWT.
#[derive(Debug, Clone)]
pub enum Presented {
    Linked(Value),
    Jwt(jwt::Decoded),
}

/// What verification needs from outside.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs {
    pub verification_method: Option<String>,
    pub status_list: Option<String>,
}

/// A public key a caller vouches for, and the identifier that controls it.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub key: VerifyingKey,
    pub controller: String,
}

/// Keys and status lists the caller found.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub keys: HashMap<String, TrustedKey>,
    pub status_lists: HashMap<String, Bitstring>,
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
        Ok(Presented::Linked(value))
    }

    pub fn credential(&self) -> &Value {
        match self {
            Presented::Linked(value) => value,
            Presented::Jwt(decoded) => &decoded.credential,
        }
    }

    pub fn needs(&self) -> Needs {
        let verification_method = match self {
            Presented::Linked(value) => proof::claims(value).ok().map(|c| c.verification_method),
            Presented::Jwt(decoded) => decoded.kid().map(str::to_owned),
        };
        let status_list = self.credential()["credentialStatus"]["statusListCredential"]
            .as_str()
            .map(str::to_owned);
        Needs {
            verification_method,
            status_list,
        }
    }

    /// Runs every check at `now`. Blocking (canonicalization).
    pub fn verify(&self, trust: &Trust, now: OffsetDateTime) -> Verification {
        let credential = self.credential();
        let mut checks = vec![format_check(credential)];
        let (signature, key) = self.signature_check(trust);
        checks.push(signature);
        checks.push(issuer_check(credential, key.as_ref()));
        checks.push(window_check(credential, now));
        checks.push(status_check(credential, trust));
        Verification {
            verified: checks.iter().all(|check| check.passed),
            checks,
        }
    }

    fn signature_check(&self, trust: &Trust) -> (Check, Option<TrustedKey>) {
        let key = self.key(trust);
        let outcome = match (&key, self) {
            (None, _) => Err(match self.needs().verification_method {
                Some(method) => format!("the key {method} cannot be resolved offline"),
                None => "the credential names no verification method".to_owned(),
            }),
            (Some(found), Presented::Linked(value)) => proof::verify(value, &found.key)
                .map(|_| "eddsa-rdfc-2022 Data Integrity proof".to_owned())
                .map_err(reason),
            (Some(found), Presented::Jwt(decoded)) => decoded
                .verify(&found.key)
                .map(|_| "VC-JWT signed with EdDSA".to_owned())
                .map_err(reason),
        };
        (check("signature", outcome), key)
    }

    fn key(&self, trust: &Trust) -> Option<TrustedKey> {
        let method = self.needs().verification_method;
        if let Some(method) = &method {
            if let Some(found) = trust.keys.get(method) {
                return Some(found.clone());
            }
            if let Some(key) = resolve_did_key(method) {
                let controller = method.split('#').next().unwrap_or(method).to_owned();
                return Some(TrustedKey { key, controller });
            }
        }
        match self {
            // A key embedded in the token proves only that its holder signed: it belongs to
            // the issuer only when the issuer is that very key's `did:key`.
            Presented::Jwt(decoded) => decoded
                .jwk()
                .and_then(|jwk| parse_public_jwk(jwk).ok())
                .map(|key| TrustedKey {
                    controller: format!("did:key:{}", public_multibase(&key)),
                    key,
                }),
            Presented::Linked(_) => None,
        }
    }
}

fn reason(error: CoreError) -> String {
    match error {
        CoreError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

fn check(name: &str, outcome: Result<String, String>) -> Check {
    let (passed, detail) = match outcome {
        Ok(detail) => (true, detail),
        Err(detail) => (false, detail),
    };
    Check {
        check: name.to_owned(),
        passed,
        detail,
    }
}

fn issuer_id(credential: &Value) -> Option<String> {
    match &credential["issuer"] {
        Value::String(id) => Some(id.clone()),
        issuer => issuer["id"].as_str().map(str::to_owned),
    }
}

fn format_check(credential: &Value) -> Check {
    let types = credential["type"].as_array().cloned().unwrap_or_default();
    let has = |name: &str| types.iter().any(|t| t == name);
    let outcome = if !has("VerifiableCredential") {
        Err("it is not a VerifiableCredential".to_owned())
    } else if !has("OpenBadgeCredential") && !has("AchievementCredential") {
        Err("it is not an OpenBadgeCredential".to_owned())
    } else if credential["credentialSubject"].get("achievement").is_none() {
        Err("its subject names no achievement".to_owned())
    } else {
        Ok("an Open Badges 3.0 OpenBadgeCredential".to_owned())
    };
    check("format", outcome)
}

fn issuer_check(credential: &Value, key: Option<&TrustedKey>) -> Check {
    let outcome = match (issuer_id(credential), key) {
        (None, _) => Err("the credential names no issuer".to_owned()),
        (Some(issuer), None) => Err(format!("no key of {issuer} could be found")),
        (Some(issuer), Some(key)) if key.controller == issuer => {
            Ok(format!("signed with a key of {issuer}"))
        }
        (Some(issuer), Some(key)) => Err(format!(
            "signed with a key of {}, not of the issuer {issuer}",
            key.controller
        )),
    };
    check("issuer", outcome)
}

fn window_check(credential: &Value, now: OffsetDateTime) -> Check {
    let date = |field: &str| -> Result<Option<OffsetDateTime>, String> {
        match credential[field].as_str() {
            None => Ok(None),
            Some(text) => OffsetDateTime::parse(text, &Rfc3339)
                .map(Some)
                .map_err(|_| format!("{field} is not a date-time")),
        }
    };
    let outcome = (|| {
        let from = date("validFrom")?.ok_or("it has no validFrom")?;
        if from > now {
            return Err(format!(
                "not valid yet: valid from {}",
                credential["validFrom"]
            ));
        }
        if let Some(until) = date("validUntil")? {
            if until <= now {
                return Err(format!("expired: valid until {}", credential["validUntil"]));
            }
        }
        Ok("within its validity period".to_owned())
    })();
    check("validity window", outcome)
}

fn status_check(credential: &Value, trust: &Trust) -> Check {
    let status = &credential["credentialStatus"];
    if status.is_null() {
        return check(
            "status",
            Ok("no status list: it cannot be revoked".to_owned()),
        );
    }
    let outcome = (|| {
        if status["type"] != "BitstringStatusListEntry" {
            return Err(format!("status type {} is not supported", status["type"]));
        }
        let url = status["statusListCredential"]
            .as_str()
            .ok_or("its status entry names no list")?;
        let index: usize = status["statusListIndex"]
            .as_str()
            .and_then(|index| index.parse().ok())
            .ok_or("its statusListIndex is not a number")?;
        let list = trust
            .status_lists
            .get(url)
            .ok_or_else(|| format!("the status list {url} cannot be fetched offline"))?;
        match list.get(index) {
            Some(false) => Ok("not revoked".to_owned()),
            Some(true) => Err("revoked by its issuer".to_owned()),
            None => Err("its statusListIndex is beyond the list".to_owned()),
        }
    })();
    check("status", outcome)
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
mod tests {
    use super::*;
    use crate::credentials::keys::{generate, public_multibase};
    use crate::credentials::open_badge::tests::claim;
    use crate::credentials::proof::{sign, ProofOptions};
    use crate::credentials::status_list::Bitstring;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-26 12:00 UTC);

    fn issued() -> (Presented, Trust, String) {
        issued_as(claim().to_credential())
    }

    fn issued_as(credential: Value) -> (Presented, Trust, String) {
        let key = generate();
        let issuer = "https://school.example/issuers/1";
        let method = format!("{issuer}#key-1");
        let secured = sign(
            &credential,
            &key,
            &ProofOptions {
                verification_method: &method,
                created: "2026-11-25T09:00:00Z",
            },
        )
        .unwrap();
        let mut trust = Trust::default();
        trust.keys.insert(
            method.clone(),
            TrustedKey {
                key: key.verifying_key(),
                controller: issuer.into(),
            },
        );
        trust.status_lists.insert(
            "https://school.example/issuers/1/status/1".into(),
            Bitstring::new(),
        );
        (Presented::Linked(secured), trust, method)
    }

    #[test]
    fn an_issued_credential_passes_every_check() {
        let (presented, trust, method) = issued();
        assert_eq!(presented.needs().verification_method, Some(method));
        let verification = presented.verify(&trust, NOW);
        assert!(verification.verified, "{verification:?}");
        assert_eq!(verification.checks.len(), 5);
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
            .insert("https://school.example/issuers/1/status/1".into(), revoked);
        let revoked = failed(&presented, &trust, NOW);
        assert_eq!(
            (revoked.check.as_str(), revoked.detail.as_str()),
            ("status", "revoked by its issuer")
        );
    }

    #[test]
    fn a_key_of_someone_else_is_not_the_issuers() {
        let key = generate();
        let did = format!("did:key:{}", public_multibase(&key.verifying_key()));
        let method = format!("{did}#{}", public_multibase(&key.verifying_key()));
        let secured = sign(
            &claim().to_credential(),
            &key,
            &ProofOptions {
                verification_method: &method,
                created: "2026-11-25T09:00:00Z",
            },
        )
        .unwrap();
        let verification = Presented::Linked(secured).verify(&Trust::default(), NOW);
        let checks: Vec<_> = verification
            .checks
            .iter()
            .map(|c| (c.check.as_str(), c.passed))
            .collect();
        assert!(checks.contains(&("signature", true)));
        assert!(checks.contains(&("issuer", false)));
    }

    #[test]
    fn hostile_input_is_refused_before_processing() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(Presented::parse(&format!("{{\"a\":{deep}}}")).is_err());
        assert!(Presented::parse(&"x".repeat(MAX_CREDENTIAL_BYTES + 1)).is_err());
        assert!(Presented::parse("not a credential").is_err());
    }
}
