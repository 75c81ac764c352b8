//! Packages read and planned without a database: the sample in both versions, the quirks of
//! real exports, and each real error reported by file and line.

use super::sample::{self, Size};
use super::*;

const SMALL: Size = Size {
    learners: 12,
    classes_per_learner: 2,
    class_size: 2,
    version: Version::V1_2,
    gradebook: false,
};

fn zipped(files: &[(String, String)]) -> Package {
    Package::zip(sample::zip(files).unwrap()).unwrap()
}

fn read_files(files: &[(String, String)]) -> Roster {
    read(&mut zipped(files))
}

/// The sample's files with one file's text changed.
fn with(
    files: &[(String, String)],
    name: &str,
    change: impl Fn(&str) -> String,
) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(file, text)| {
            if file == name {
                (file.clone(), change(text))
            } else {
                (file.clone(), text.clone())
            }
        })
        .collect()
}

fn empty_school() -> Held {
    Held {
        slug: "riverbend".into(),
        ..Held::default()
    }
}

#[test]
fn the_sample_reads_without_errors_in_both_versions_and_plans_the_same_people() {
    let v12 = read_files(&sample::files(SMALL));
    let v11 = read_files(&sample::files(Size {
        version: Version::V1_1,
        ..SMALL
    }));
    assert!(v12.errors.is_empty(), "{:?}", v12.errors);
    assert!(v11.errors.is_empty(), "{:?}", v11.errors);
    assert_eq!(v12.version, Some(Version::V1_2));
    assert_eq!(v11.version, Some(Version::V1_1));
    assert!(!v12.roles.is_empty());
    assert!(v11.roles.is_empty());
    let plan12 = plan(&v12, &empty_school(), Options::default());
    let plan11 = plan(&v11, &empty_school(), Options::default());
    assert!(plan12.errors.is_empty(), "{:?}", plan12.errors);
    assert!(plan11.errors.is_empty(), "{:?}", plan11.errors);
    // 12 learners, 10 guardians, the teachers; the administrator left out.
    let people = plan12.new_people.len();
    assert_eq!(plan11.new_people.len(), people);
    assert_eq!(plan12.administrators_left_out, 1);
    assert_eq!(
        plan12.links.len(),
        10,
        "every guardian, whichever side carries the link"
    );
    assert_eq!(plan12.new_groups.len(), plan11.new_groups.len());
    assert_eq!(plan12.new_enrolments.len(), plan11.new_enrolments.len());
    assert_eq!(plan12.preview(&v12).people.create, people);
    // Administrators come in when asked for.
    let with_admins = plan(
        &v12,
        &empty_school(),
        Options {
            administrators: true,
            ..Options::default()
        },
    );
    assert_eq!(with_admins.new_people.len(), people + 1);
    assert!(with_admins.roles.iter().any(|(_, key)| *key == "admin"));
}

#[test]
fn messy_files_from_real_systems_import() {
    let files = sample::files(SMALL);
    // A byte-order mark, CRLF, header names in other cases with stray spaces, an extra
    // column, an optional column missing, enabledUser as TRUE and 1, full date-times and bare
    // dates, empty lines at the end.
    let messy = with(&files, "users.csv", |text| {
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let header = header
            .replace("givenName", " GIVENNAME ")
            .replace("familyName", "FamilyName ")
            .replace("enabledUser", "EnabledUser")
            .replace(",pronouns", ",pronouns,favouriteColour");
        let mut out = format!("\u{feff}{header}\r\n");
        for (n, line) in lines.enumerate() {
            let line = line
                .replacen(",true,", if n % 2 == 0 { ",TRUE," } else { ",1," }, 1)
                .replacen(
                    "2026-09-01T08:00:00.000Z",
                    if n % 3 == 0 {
                        "2026-09-01"
                    } else {
                        "2026-09-01T08:00:00Z"
                    },
                    1,
                );
            out.push_str(&line);
            out.push_str(",green\r\n");
        }
        out.push_str("\r\n\r\n");
        out
    });
    let messy = with(&messy, "classes.csv", |text| {
        // Without the optional columns it does not need.
        text.lines()
            .map(|line| line.split(',').take(4).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let roster = read_files(&messy);
    assert!(roster.errors.is_empty(), "{:?}", roster.errors);
    let planned = plan(&roster, &empty_school(), Options::default());
    assert!(planned.errors.is_empty(), "{:?}", planned.errors);
    let clean = plan(&read_files(&files), &empty_school(), Options::default());
    assert_eq!(planned.new_people.len(), clean.new_people.len());
    assert_eq!(planned.links.len(), clean.links.len());
    assert_eq!(planned.new_enrolments.len(), clean.new_enrolments.len());
    // A folder inside the zip, and upper-case file names, are found too.
    let nested: Vec<(String, String)> = files
        .iter()
        .map(|(name, text)| (format!("Export 2026/{}", name.to_uppercase()), text.clone()))
        .collect();
    let roster = read_files(&nested);
    assert!(roster.errors.is_empty(), "{:?}", roster.errors);
    assert_eq!(roster.users.len(), read_files(&files).users.len());
}

#[test]
fn each_real_error_is_reported_with_its_file_and_line() {
    let files = sample::files(SMALL);
    let broken = with(&files, "users.csv", |text| {
        let mut out = text.to_string();
        // A duplicate sourcedId (line after the last), and a person without a name.
        let first = text.lines().nth(1).unwrap().to_string();
        out.push_str(&first);
        out.push('\n');
        out.push_str("nobody-1,,,true,nobody,,,,,,,,,,,,,,,,,school-1,\n");
        out
    });
    let broken = with(&broken, "roles.csv", |text| {
        format!("{text}role-x,,,teacher-1,primary,janitor,,,school-1,\n")
    });
    let broken = with(&broken, "enrollments.csv", |text| {
        format!("{text}enrollment-x,,,class-404,school-1,learner-1,student,false,,\n")
    });
    let user_lines = files
        .iter()
        .find(|(name, _)| name == "users.csv")
        .unwrap()
        .1
        .lines()
        .count() as u64;
    let roster = read_files(&broken);
    let planned = plan(&roster, &empty_school(), Options::default());
    let found = |file: &str, line: u64, field: &str| {
        planned
            .errors
            .iter()
            .any(|error| error.file == file && error.line == line && error.field == field)
    };
    assert!(
        found("users.csv", user_lines + 1, "sourcedId"),
        "{:#?}",
        planned.errors
    );
    assert!(
        found("users.csv", user_lines + 2, "givenName"),
        "{:#?}",
        planned.errors
    );
    assert!(planned
        .errors
        .iter()
        .any(|e| e.file == "roles.csv" && e.field == "role" && e.reason.contains("janitor")));
    assert!(planned.errors.iter().any(|e| e.file == "enrollments.csv"
        && e.field == "classSourcedId"
        && e.reason.contains("class-404")));
    assert_eq!(planned.errors.len(), 4, "{:#?}", planned.errors);

    // A required column missing: the whole file, on line 1.
    let headless = with(&files, "enrollments.csv", |text| {
        text.replacen("classSourcedId", "klass", 1)
    });
    let roster = read_files(&headless);
    assert_eq!(roster.errors.len(), 1);
    assert_eq!(
        (roster.errors[0].file.as_str(), roster.errors[0].line),
        ("enrollments.csv", 1)
    );
    assert!(
        roster.errors[0].reason.contains("classsourcedid"),
        "{}",
        roster.errors[0].reason
    );

    // Not a zip; no manifest; a file the manifest names missing.
    assert!(Package::zip(b"PK not really".to_vec()).is_err());
    let no_manifest: Vec<_> = files
        .iter()
        .filter(|(name, _)| name != "manifest.csv")
        .cloned()
        .collect();
    assert_eq!(read_files(&no_manifest).errors[0].file, "manifest.csv");
    let no_users: Vec<_> = files
        .iter()
        .filter(|(name, _)| name != "users.csv")
        .cloned()
        .collect();
    let roster = read_files(&no_users);
    assert!(roster
        .errors
        .iter()
        .any(|e| e.file == "users.csv" && e.reason.contains("missing")));
}

#[test]
fn a_person_already_held_with_the_same_row_is_left_alone() {
    let files = sample::files(SMALL);
    let roster = read_files(&files);
    let first = plan(&roster, &empty_school(), Options::default());
    // What Cairn holds after the first import, as the store would read it back.
    let mut held = empty_school();
    for (index, (person, _)) in first.new_people.iter().enumerate() {
        let roles = first
            .roles
            .iter()
            .filter(|(reference, _)| *reference == PersonRef::New(index))
            .map(|(_, key)| key.to_string())
            .collect();
        held.people.insert(
            person.external_id.clone(),
            HeldPerson {
                id: index as i64 + 1,
                external_id: Some(person.external_id.clone()),
                name: person.name.clone(),
                email: person.email.clone(),
                active: person.active,
                year_level: person.year_level,
                modified: person.modified,
                synced: true,
                roles,
            },
        );
        held.emails.insert(person.email.to_lowercase());
    }
    let again = plan(&roster, &held, Options::default());
    assert!(again.new_people.is_empty() && again.updated_people.is_empty());
    assert!(again.roles.is_empty() && again.deactivated_people.is_empty());
    // A row older than what is held is skipped; a newer one updates.
    let newer = jiff::Timestamp::from_second(2_000_000_000).unwrap();
    for person in held.people.values_mut().take(1) {
        person.modified = Some(newer);
        person.name = "Changed In Cairn".into();
    }
    let again = plan(&roster, &held, Options::default());
    assert!(again.updated_people.is_empty());
    assert_eq!(again.older_skipped, 1);
}
