//! The demo school generator: a deterministic school (same seed, same rows) with groups,
//! teachers, learners, parents, four frameworks, a term of evidence, achievements, goals,
//! projects, trainings, seats and attendance. It only builds rows; the store loads them in one
//! transaction.

mod attendance;
mod catalogue;
mod curriculum;
mod evidence;
mod generator;
mod growth;
mod institution;
mod names;
mod people;
mod training;

use crate::model::Role;
use crate::row;
use crate::store::batch::TableRows;
use generator::{at, term_today, Generator};
use institution::INSTITUTION_ID;

/// The password of every generated account.
pub const DEMO_PASSWORD: &str = "cairn-demo";

/// The sign-ins that show each role, in the order they are listed.
pub const DEMO_ADMIN: &str = "admin@demo.cairn";
pub const DEMO_MANAGER: &str = "manager@demo.cairn";
pub const DEMO_TEACHER: &str = "teacher@demo.cairn";
/// The demo teacher's colleague, who shares one of their groups (to try live marking).
pub const DEMO_CO_TEACHER: &str = "coteacher@demo.cairn";
pub const DEMO_LEARNER: &str = "learner@demo.cairn";
pub const DEMO_PARENT: &str = "parent@demo.cairn";
pub const DEMO_EMAILS: [&str; 6] = [
    DEMO_ADMIN,
    DEMO_MANAGER,
    DEMO_TEACHER,
    DEMO_CO_TEACHER,
    DEMO_LEARNER,
    DEMO_PARENT,
];

#[derive(Clone, Debug)]
pub struct SeedOptions {
    pub learners: usize,
    pub seed: u64,
    /// Evidence rows per learner and competency, as an inclusive range.
    pub evidence_per_competency: (usize, usize),
}

impl SeedOptions {
    /// The demo school that `cairn serve --demo` creates.
    pub fn demo() -> Self {
        SeedOptions {
            learners: 150,
            seed: 2026,
            evidence_per_competency: (1, 4),
        }
    }
}

/// A sign-in that the generated school offers.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoLogin {
    pub email: &'static str,
    pub role: Role,
    pub name: String,
}

/// Every row of a generated school, in an order that satisfies the foreign keys.
#[derive(Clone, Debug, PartialEq)]
pub struct School {
    pub tables: Vec<TableRows>,
    pub logins: Vec<DemoLogin>,
}

impl School {
    pub fn rows(&self, table: &str) -> usize {
        self.tables
            .iter()
            .filter(|t| t.table == table)
            .map(|t| t.rows.len())
            .sum()
    }
}

/// The demo password's hash, salted from the seed so the rows stay deterministic. Hashed once:
/// every generated account shares it.
fn password_hash(seed: u64) -> String {
    let salt_bytes = seed.to_le_bytes().repeat(2);
    match argon2::password_hash::SaltString::encode_b64(&salt_bytes) {
        Ok(salt) => crate::password::hash_with_salt(DEMO_PASSWORD, &salt),
        Err(_) => crate::password::hash(DEMO_PASSWORD),
    }
}

/// Generates the school for these options.
pub fn generate(options: &SeedOptions) -> School {
    let mut g = Generator::new(options.seed);
    let mut tables = Vec::new();
    institution::generate(&g, &mut tables);
    let catalogue = catalogue::generate(&g, &mut tables);
    let hash = password_hash(options.seed);
    let people = people::generate(&mut g, options.learners.max(1), &hash, &mut tables);
    let per_competency = options.evidence_per_competency;
    let marks = evidence::generate(&mut g, &people, &catalogue, per_competency, &mut tables);
    growth::generate(&mut g, &people, &catalogue, &mut tables);
    training::generate(&mut g, &people, &mut tables);
    attendance::generate(&mut g, &people, &mut tables);

    // Points: the institution's rules, and what each learner earned for their evidence.
    let mut point_rules = TableRows::new("point_rules", &["institution_id", "activity", "points"]);
    for (activity, points) in [
        ("login", 1),
        ("evidence", 2),
        ("training_completed", 20),
        ("badge_earned", 50),
        ("comment", 1),
    ] {
        point_rules.push(row![INSTITUTION_ID, activity, points]);
    }
    let mut points = TableRows::new(
        "points",
        &[
            "id",
            "user_id",
            "activity",
            "points",
            "reference",
            "awarded_at",
        ],
    );
    let awarded = at(term_today(), 17);
    for (index, (learner, count)) in people.learners.iter().zip(&marks).enumerate() {
        let id = index as i64 + 1;
        points.push(row![
            id,
            learner.person.id,
            "evidence",
            count * 2,
            "term 3",
            &awarded
        ]);
    }

    let mut audit = TableRows::new(
        "audit_log",
        &[
            "id",
            "institution_id",
            "actor_id",
            "action",
            "subject_type",
            "subject_id",
            "detail",
            "at",
        ],
    );
    let detail = format!("Demo school generated from seed {}", options.seed);
    audit.push(row![
        1,
        INSTITUTION_ID,
        people.admin.id,
        "institution.created",
        "institution",
        "1",
        detail,
        &g.created,
    ]);
    tables.extend([point_rules, points, audit]);

    School {
        tables,
        logins: people.logins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(seed: u64) -> SeedOptions {
        SeedOptions {
            learners: 60,
            seed,
            evidence_per_competency: (1, 3),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_school() {
        assert_eq!(generate(&small(7)), generate(&small(7)));
    }

    #[test]
    fn another_seed_gives_another_school() {
        assert_ne!(generate(&small(7)).tables, generate(&small(8)).tables);
    }

    #[test]
    fn the_demo_school_has_what_the_product_promises() {
        let school = generate(&SeedOptions::demo());
        assert!(school.rows("groups") >= 6);
        let learner_role = school.rows("user_roles");
        assert!(learner_role >= 150 + 150 / 2);
        let emails: Vec<&str> = school.logins.iter().map(|l| l.email).collect();
        assert_eq!(emails, DEMO_EMAILS);
        assert!(school.rows("evidence") > 150 * 20);
        assert!(school.rows("attendance") > 150 * 50);
        assert!(school.rows("goals") >= 150);
        assert!(school.rows("projects") > 0);
        assert_eq!(school.rows("frameworks"), 4);
    }

    #[test]
    fn every_row_has_as_many_cells_as_its_table_has_columns() {
        for table in generate(&small(1)).tables {
            for row in &table.rows {
                assert_eq!(row.len(), table.columns.len(), "{}", table.table);
            }
        }
    }
}
