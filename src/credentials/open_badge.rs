//! The unsigned `OpenBadgeCredential` (Open Badges 3.0.3 on the W3C VC 2.0 data model) of an
//! achievement: the issuer profile, the achievement with its criteria and its alignments to
//! competencies, the achieved levels as `result`s, links to the evidence, and the credential's
//! entry in the issuer's revocation list.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The issuing institution as its public profile shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuerProfile {
    /// The profile's URL (`{public url}/issuers/{institution}`).
    pub id: String,
    pub name: String,
    /// The institution's home page.
    pub url: String,
}

/// A competency the achievement is aligned with, and the level the learner holds in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyResult {
    pub code: String,
    pub name: String,
    /// Where the competency is described (its page in Cairn).
    pub url: String,
    pub framework: String,
    /// The rubric's level names, lowest first, and the level the criteria require.
    pub levels: Vec<String>,
    pub required_level: usize,
    /// The learner's current level (1-based rubric level), if any.
    pub achieved_level: Option<usize>,
}

/// Everything an OpenBadgeCredential says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeClaim {
    /// The credential's URL (`{public url}/credentials/{id}`).
    pub id: String,
    pub issuer: IssuerProfile,
    /// RFC 3339 date-time.
    pub valid_from: String,
    /// RFC 3339 date-time after which it no longer holds (progress records: 90 days on).
    pub valid_until: Option<String>,
    /// `true` for a Provisional Evidence Record shared before mastery.
    pub provisional: bool,
    pub learner: LearnerIdentity,
    pub achievement: AchievementClaim,
    pub results: Vec<CompetencyResult>,
    /// Revocation list entry: the list credential's URL and this credential's index.
    pub status: (String, u64),
}

/// Who the credential is about: a stable URL and, hashed, their email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnerIdentity {
    pub id: String,
    pub name: String,
    pub email: String,
    /// A per-credential salt for the hashed email.
    pub salt: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AchievementClaim {
    pub id: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
}

impl BadgeClaim {
    /// The credential, without a proof.
    pub fn to_credential(&self) -> Value {
        let achievement = &self.achievement;
        let name = if self.provisional {
            format!("{} (progress record)", achievement.name)
        } else {
            achievement.name.clone()
        };
        let result_descriptions: Vec<Value> = self
            .results
            .iter()
            .map(|result| {
                let levels: Vec<Value> = result
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(index, level)| {
                        json!({
                            "id": level_id(&achievement.id, &result.code, index + 1),
                            "type": ["RubricCriterionLevel"],
                            "name": level,
                            "level": (index + 1).to_string(),
                        })
                    })
                    .collect();
                json!({
                    "id": result_id(&achievement.id, &result.code),
                    "type": ["ResultDescription"],
                    "name": format!("{} ({})", result.name, result.code),
                    "resultType": "RubricCriterionLevel",
                    "alignment": [alignment(result)],
                    "rubricCriterionLevel": levels,
                    "requiredLevel": level_id(&achievement.id, &result.code, result.required_level),
                })
            })
            .collect();
        let results: Vec<Value> = self
            .results
            .iter()
            .filter_map(|result| {
                result.achieved_level.map(|level| {
                    json!({
                        "type": ["Result"],
                        "resultDescription": result_id(&achievement.id, &result.code),
                        "achievedLevel": level_id(&achievement.id, &result.code, level),
                        "alignment": [alignment(result)],
                    })
                })
            })
            .collect();
        let evidence: Vec<Value> = self
            .results
            .iter()
            .filter(|result| result.achieved_level.is_some())
            .map(|result| {
                json!({
                    "id": result.url,
                    "type": ["Evidence"],
                    "name": format!("Evidence for {}", result.name),
                    "narrative": "The marks, scores and assessments that produced this level, with the mastery method applied.",
                })
            })
            .collect();
        let description = if self.provisional {
            format!(
                "Progress towards {}: the levels reached so far. A newer version of this \
                 credential replaces it; the earned badge supersedes it.",
                achievement.name
            )
        } else {
            achievement.description.clone()
        };
        let mut credential = json!({
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": self.id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": self.issuer.id,
                "type": ["Profile"],
                "name": self.issuer.name,
                "url": self.issuer.url,
            },
            "validFrom": self.valid_from,
            "name": name,
            "description": description,
            "credentialSubject": {
                "id": self.learner.id,
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityHash": self.learner.name,
                        "identityType": "name",
                        "hashed": false,
                    },
                    {
                        "type": "IdentityObject",
                        "identityHash": email_hash(&self.learner.email, &self.learner.salt),
                        "identityType": "emailAddress",
                        "hashed": true,
                        "salt": self.learner.salt,
                    },
                ],
                "achievement": {
                    "id": achievement.id,
                    "type": ["Achievement"],
                    "achievementType": "Competency",
                    "name": achievement.name,
                    "description": achievement.description,
                    "criteria": {"narrative": achievement.criteria},
                    "alignment": self.results.iter().map(alignment).collect::<Vec<_>>(),
                    "resultDescription": result_descriptions,
                },
                "result": results,
            },
            "evidence": evidence,
            "credentialStatus": {
                "id": format!("{}#{}", self.status.0, self.status.1),
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": self.status.1.to_string(),
                "statusListCredential": self.status.0,
            },
        });
        if let Some(until) = &self.valid_until {
            credential["validUntil"] = json!(until);
        }
        credential
    }
}

fn alignment(result: &CompetencyResult) -> Value {
    json!({
        "type": ["Alignment"],
        "targetName": result.name,
        "targetUrl": result.url,
        "targetCode": result.code,
        "targetFramework": result.framework,
        "targetType": "CFItem",
    })
}

fn result_id(achievement: &str, code: &str) -> String {
    format!("{achievement}#result-{}", fragment(code))
}

fn level_id(achievement: &str, code: &str, level: usize) -> String {
    format!("{achievement}#result-{}-level-{level}", fragment(code))
}

/// Competency codes as IRI fragments: letters, digits, `-`, `.` and `_` kept, the rest `-`.
fn fragment(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The competency results an OpenBadgeCredential states: each result description of its
/// achievement, with the level its subject achieved and the level required, by name, and
/// whether the one reaches the other (rubric levels are numbered, lowest first).
pub fn stated_results(credential: &Value) -> Vec<crate::model::CredentialResult> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let subject = &credential["credentialSubject"];
    let descriptions = subject["achievement"]["resultDescription"].as_array();
    descriptions
        .into_iter()
        .flatten()
        .map(|description| {
            let level = |id: &Value| {
                description["rubricCriterionLevel"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|level| level["id"] == *id)
            };
            let rank = |level: Option<&Value>| {
                level.and_then(|level| level["level"].as_str()?.parse::<usize>().ok())
            };
            let achieved = subject["result"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|result| result["resultDescription"] == description["id"])
                .and_then(|result| level(&result["achievedLevel"]));
            let required = level(&description["requiredLevel"]);
            crate::model::CredentialResult {
                competency: text(&description["name"]),
                achieved: achieved.map(|level| text(&level["name"])),
                required: required.map(|level| text(&level["name"])),
                met: matches!((rank(achieved), rank(required)), (Some(a), Some(r)) if a >= r),
            }
        })
        .collect()
}

/// OB 3.0's hashed identity: `sha256$` + hex(SHA-256(email + salt)).
pub fn email_hash(email: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{}{salt}", email.trim().to_lowercase()).as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256${hex}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn claim() -> BadgeClaim {
        BadgeClaim {
            id: "https://school.example/credentials/7".into(),
            issuer: IssuerProfile {
                id: "https://school.example/issuers/1".into(),
                name: "Riverside School".into(),
                url: "https://school.example/".into(),
            },
            valid_from: "2026-11-25T09:00:00Z".into(),
            valid_until: None,
            provisional: false,
            learner: LearnerIdentity {
                id: "https://school.example/learners/12".into(),
                name: "Ada".into(),
                email: "ada@school.example".into(),
                salt: "s4lt".into(),
            },
            achievement: AchievementClaim {
                id: "https://school.example/achievements/3".into(),
                name: "Number sense".into(),
                description: "Works fluently with numbers.".into(),
                criteria: "Proficient in every number competency.".into(),
            },
            results: vec![CompetencyResult {
                code: "MA.1".into(),
                name: "Place value".into(),
                url: "https://school.example/learners/12/competencies/5".into(),
                framework: "Mathematics".into(),
                levels: vec!["Beginning".into(), "Developing".into(), "Proficient".into()],
                required_level: 3,
                achieved_level: Some(3),
            }],
            status: ("https://school.example/issuers/1/status/1".into(), 4),
        }
    }

    #[test]
    fn the_credential_says_what_was_achieved() {
        let credential = claim().to_credential();
        assert_eq!(credential["type"][1], "OpenBadgeCredential");
        let subject = &credential["credentialSubject"];
        assert_eq!(subject["achievement"]["alignment"][0]["targetCode"], "MA.1");
        assert_eq!(
            subject["result"][0]["achievedLevel"],
            "https://school.example/achievements/3#result-MA.1-level-3"
        );
        assert_eq!(credential["credentialStatus"]["statusListIndex"], "4");
        assert_eq!(subject["identifier"][0]["identityHash"], "Ada");
        assert!(subject["identifier"][1]["identityHash"]
            .as_str()
            .unwrap()
            .starts_with("sha256$"));
        assert!(!credential.to_string().contains("ada@school.example"));
    }

    #[test]
    fn the_credential_is_valid_json_ld() {
        let nquads = crate::credentials::canon::canonical_nquads(&claim().to_credential()).unwrap();
        assert!(nquads.contains("https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievedLevel"));
    }
}
