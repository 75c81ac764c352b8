//! A package's files read into rows Cairn understands: the manifest first, then orgs,
//! academic sessions, courses, classes, users, roles and enrollments, then the gradebook's line
//! items and results (`gradebook`). OneRoster 1.2 and 1.1 are
//! both read (1.1 gives a user's role on `users.csv` and has no `roles.csv`). Each row is checked
//! on its own here (required values, dates, known roles, a `sourcedId` once per file); whether
//! what it points at exists is the plan's question.

use std::collections::{HashMap, HashSet};
use std::io::Read;

pub use super::gradebook::{Grade, LineItem};
use super::package::Package;
use super::table::{self, fault, Columns, Row, Table};
use crate::model::OneRosterError;

/// Which OneRoster the package says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1_1,
    V1_2,
}

impl Version {
    pub fn label(self) -> &'static str {
        match self {
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
        }
    }
}

/// How the manifest says a file comes: everything there is (`bulk`), what changed (`delta`),
/// or not at all (`absent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    Bulk,
    Delta,
    #[default]
    Absent,
}

/// The files Cairn reads, in the order it reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum File {
    Orgs,
    AcademicSessions,
    Courses,
    Classes,
    Users,
    Roles,
    Enrollments,
    /// The gradebook: what was assessed, and each student's result.
    LineItems,
    Results,
}

impl File {
    pub const ALL: [File; 9] = [
        File::Orgs,
        File::AcademicSessions,
        File::Courses,
        File::Classes,
        File::Users,
        File::Roles,
        File::Enrollments,
        File::LineItems,
        File::Results,
    ];

    /// The manifest's name for it (`file.{key}`).
    pub fn key(self) -> &'static str {
        match self {
            File::Orgs => "orgs",
            File::AcademicSessions => "academicSessions",
            File::Courses => "courses",
            File::Classes => "classes",
            File::Users => "users",
            File::Roles => "roles",
            File::Enrollments => "enrollments",
            File::LineItems => "lineItems",
            File::Results => "results",
        }
    }

    pub fn name(self) -> String {
        format!("{}.csv", self.key())
    }
}

/// The person Cairn makes of a OneRoster role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Learner,
    Teacher,
    Parent,
    Administrator,
}

impl Kind {
    /// Cairn's role key.
    pub fn role_key(self) -> &'static str {
        match self {
            Kind::Learner => "learner",
            Kind::Teacher => "teacher",
            Kind::Parent => "parent",
            Kind::Administrator => "admin",
        }
    }

    /// A OneRoster role (1.1 or 1.2, any case), or `None` for a role Cairn does not know.
    pub fn of(role: &str) -> Option<Kind> {
        Some(match role.to_ascii_lowercase().as_str() {
            "student" | "learner" => Kind::Learner,
            "teacher" | "aide" | "proctor" | "counselor" => Kind::Teacher,
            "parent" | "guardian" | "relative" => Kind::Parent,
            "administrator"
            | "districtadministrator"
            | "siteadministrator"
            | "systemadministrator"
            | "principal" => Kind::Administrator,
            _ => return None,
        })
    }
}

/// What every row has: its `sourcedId`, where it is, and its `status` and `dateLastModified`.
#[derive(Clone, Debug, PartialEq)]
pub struct Record<T> {
    pub sourced_id: String,
    pub line: u64,
    /// `status=tobedeleted` (or 1.1's `inactive`): the row is to go.
    pub deleted: bool,
    pub modified: Option<jiff::Timestamp>,
    pub data: T,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Org {
    pub name: String,
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub title: String,
    pub kind: String,
    pub start: Option<String>,
    pub end: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Course {
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub title: String,
    pub class_code: String,
    pub course: String,
    pub school: String,
    pub terms: Vec<String>,
    /// The year level its `grades` name, when they name one.
    pub year_level: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub enabled: bool,
    pub name: String,
    pub email: String,
    pub username: String,
    pub agents: Vec<String>,
    pub year_level: Option<i64>,
    /// 1.1's `role` on the user's own row.
    pub kind: Option<Kind>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UserRole {
    pub user: String,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enrollment {
    pub class: String,
    pub user: String,
    pub kind: Kind,
}

/// A package read: each file's mode and rows, and every row that could not be read.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    pub version: Option<Version>,
    pub modes: HashMap<File, Mode>,
    pub orgs: Vec<Record<Org>>,
    pub sessions: Vec<Record<Session>>,
    pub courses: Vec<Record<Course>>,
    pub classes: Vec<Record<Class>>,
    pub users: Vec<Record<User>>,
    pub roles: Vec<Record<UserRole>>,
    pub enrollments: Vec<Record<Enrollment>>,
    pub line_items: Vec<Record<LineItem>>,
    pub results: Vec<Record<Grade>>,
    /// Every `sourcedId` of each file, rejected rows' too: in a bulk file, what is not here
    /// is gone; what is here but wrong is not.
    pub seen: HashMap<File, HashSet<String>>,
    pub errors: Vec<OneRosterError>,
    /// Rows read, in every file.
    pub rows: usize,
}

impl Roster {
    /// A package that could not be opened at all (not a zip, say), and why.
    pub fn unreadable(reason: String) -> Roster {
        Roster {
            errors: vec![fault("package", 0, "file", reason)],
            ..Roster::default()
        }
    }

    pub fn mode(&self, file: File) -> Mode {
        self.modes.get(&file).copied().unwrap_or_default()
    }
}

/// The year level a `grades` list names: the first that is a number (`09`, `10`), or
/// kindergarten's 0 (`KG`).
fn year_level(grades: &str) -> Option<i64> {
    table::list(grades)
        .iter()
        .find_map(|grade| match grade.to_ascii_uppercase().as_str() {
            "KG" | "K" => Some(0),
            other => other.parse().ok(),
        })
}

/// Reads the manifest: which version, and each file's mode.
fn manifest(package: &mut Package, roster: &mut Roster) -> Result<(), OneRosterError> {
    let name = "manifest.csv";
    let reader = package
        .file(name)
        .map_err(|reason| fault(name, 0, "file", reason))?
        .ok_or_else(|| {
            fault(
                name,
                0,
                "file",
                "is missing: a OneRoster package names its files in manifest.csv",
            )
        })?;
    let mut table = Table::open(name, reader, &["propertyname", "value"])?;
    while let Some(row) = table.next_row() {
        let row = row?;
        let property = table.columns.get(&row, "propertyname");
        let value = table.columns.get(&row, "value");
        if property.eq_ignore_ascii_case("oneroster.version") {
            roster.version = match value {
                "1.2" => Some(Version::V1_2),
                "1.1" | "1.0" => Some(Version::V1_1),
                other => {
                    return Err(fault(
                        name,
                        row.line,
                        "value",
                        format!("OneRoster {other} is not a version Cairn reads (1.1 or 1.2)"),
                    ))
                }
            };
        } else if let Some(key) = property.strip_prefix("file.") {
            let Some(file) = File::ALL
                .iter()
                .find(|file| file.key().eq_ignore_ascii_case(key))
            else {
                continue;
            };
            let mode = match value.to_ascii_lowercase().as_str() {
                "bulk" => Mode::Bulk,
                "delta" => Mode::Delta,
                "absent" | "" => Mode::Absent,
                other => {
                    return Err(fault(
                        name,
                        row.line,
                        "value",
                        format!("“{other}” is not bulk, delta or absent"),
                    ))
                }
            };
            roster.modes.insert(*file, mode);
        }
    }
    Ok(())
}

/// The parts every row shares, or why the row is wrong.
fn record<T>(
    file: &str,
    columns: &Columns,
    row: &Row,
    data: impl FnOnce(bool) -> Result<T, OneRosterError>,
) -> Result<Record<T>, OneRosterError> {
    let sourced_id = columns.get(row, "sourcedid");
    if sourced_id.is_empty() {
        return Err(fault(file, row.line, "sourcedId", "is empty"));
    }
    let deleted = match columns.get(row, "status").to_ascii_lowercase().as_str() {
        "" | "active" => false,
        "tobedeleted" | "inactive" => true,
        other => {
            return Err(fault(
                file,
                row.line,
                "status",
                format!("“{other}” is not active or tobedeleted"),
            ))
        }
    };
    let modified = match columns.get(row, "datelastmodified") {
        "" => None,
        text => Some(
            table::instant(text)
                .map_err(|reason| fault(file, row.line, "dateLastModified", reason))?,
        ),
    };
    Ok(Record {
        sourced_id: sourced_id.to_string(),
        line: row.line,
        deleted,
        modified,
        data: data(deleted)?,
    })
}

/// A value a live row must have.
pub(super) fn required<'r>(
    file: &str,
    columns: &Columns,
    row: &'r Row,
    column: &str,
    label: &str,
    deleted: bool,
) -> Result<&'r str, OneRosterError> {
    let value = columns.get(row, column);
    if value.is_empty() && !deleted {
        return Err(fault(file, row.line, label, "is empty"));
    }
    Ok(value)
}

/// Reads every row of one file with `read`, into `rows`; a `sourcedId` seen before in the file
/// is an error.
pub(super) fn read_file<T>(
    package: &mut Package,
    roster: &mut Roster,
    file: File,
    required_columns: &[&str],
    read: impl Fn(&str, &Columns, &Row, bool) -> Result<T, OneRosterError>,
) -> Vec<Record<T>> {
    let mut records = Vec::new();
    if roster.mode(file) == Mode::Absent {
        return records;
    }
    let name = file.name();
    let reader: Box<dyn Read + '_> = match package.file(&name) {
        Ok(Some(reader)) => reader,
        Ok(None) => {
            roster.errors.push(fault(
                &name,
                0,
                "file",
                "is missing, though manifest.csv says the package has it",
            ));
            return records;
        }
        Err(reason) => {
            roster.errors.push(fault(&name, 0, "file", reason));
            return records;
        }
    };
    let mut table = match Table::open(&name, reader, required_columns) {
        Ok(table) => table,
        Err(error) => {
            roster.errors.push(error);
            return records;
        }
    };
    let mut seen = HashSet::new();
    while let Some(row) = table.next_row() {
        roster.rows += 1;
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                roster.errors.push(error);
                continue;
            }
        };
        let sourced_id = table.columns.get(&row, "sourcedid").to_string();
        if !sourced_id.is_empty() && !seen.insert(sourced_id.clone()) {
            roster.errors.push(fault(
                &name,
                row.line,
                "sourcedId",
                format!("“{sourced_id}” is on an earlier line of the file too"),
            ));
            continue;
        }
        match record(&name, &table.columns, &row, |deleted| {
            read(&name, &table.columns, &row, deleted)
        }) {
            Ok(record) => records.push(record),
            Err(error) => roster.errors.push(error),
        }
    }
    roster.seen.insert(file, seen);
    records
}

fn kind(file: &str, line: u64, role: &str, deleted: bool) -> Result<Option<Kind>, OneRosterError> {
    if role.is_empty() && deleted {
        return Ok(None);
    }
    Kind::of(role).map(Some).ok_or_else(|| {
        fault(
            file,
            line,
            "role",
            if role.is_empty() {
                "is empty".to_string()
            } else {
                format!("“{role}” is not a OneRoster role Cairn knows")
            },
        )
    })
}

/// Reads a whole package: the manifest, then each file it names.
pub fn read(package: &mut Package) -> Roster {
    let mut roster = Roster::default();
    if let Err(error) = manifest(package, &mut roster) {
        roster.errors.push(error);
        return roster;
    }
    // Without a version in the manifest, the files tell: only 1.2 has roles.csv.
    let version = roster
        .version
        .unwrap_or(if roster.mode(File::Roles) == Mode::Absent {
            Version::V1_1
        } else {
            Version::V1_2
        });
    roster.version = Some(version);
    roster.orgs = read_file(
        package,
        &mut roster,
        File::Orgs,
        &["sourcedid", "name"],
        |file, columns, row, deleted| {
            Ok(Org {
                name: required(file, columns, row, "name", "name", deleted)?.to_string(),
                kind: columns.get(row, "type").to_string(),
            })
        },
    );
    roster.sessions = read_file(
        package,
        &mut roster,
        File::AcademicSessions,
        &["sourcedid", "title"],
        |file, columns, row, deleted| {
            let date = |column: &str, label: &str| match columns.get(row, column) {
                "" => Ok(None),
                text => table::day(text)
                    .map(Some)
                    .map_err(|reason| fault(file, row.line, label, reason)),
            };
            Ok(Session {
                title: required(file, columns, row, "title", "title", deleted)?.to_string(),
                kind: columns.get(row, "type").to_string(),
                start: date("startdate", "startDate")?,
                end: date("enddate", "endDate")?,
            })
        },
    );
    roster.courses = read_file(
        package,
        &mut roster,
        File::Courses,
        &["sourcedid", "title"],
        |file, columns, row, deleted| {
            Ok(Course {
                title: required(file, columns, row, "title", "title", deleted)?.to_string(),
            })
        },
    );
    roster.classes = read_file(
        package,
        &mut roster,
        File::Classes,
        &["sourcedid", "title"],
        |file, columns, row, deleted| {
            Ok(Class {
                title: required(file, columns, row, "title", "title", deleted)?.to_string(),
                class_code: columns.get(row, "classcode").to_string(),
                course: columns.get(row, "coursesourcedid").to_string(),
                school: columns.get(row, "schoolsourcedid").to_string(),
                terms: table::list(columns.get(row, "termsourcedids")),
                year_level: year_level(columns.get(row, "grades")),
            })
        },
    );
    let mut user_columns = vec!["sourcedid", "givenname", "familyname"];
    if version == Version::V1_1 {
        user_columns.push("role");
    }
    roster.users = read_file(
        package,
        &mut roster,
        File::Users,
        &user_columns,
        |file, columns, row, deleted| {
            let preferred = |preferred: &str, given: &str| match columns.get(row, preferred) {
                "" => columns.get(row, given),
                name => name,
            };
            let name = format!(
                "{} {}",
                preferred("preferredgivenname", "givenname"),
                preferred("preferredfamilyname", "familyname")
            )
            .trim()
            .to_string();
            if name.is_empty() && !deleted {
                return Err(fault(
                    file,
                    row.line,
                    "givenName",
                    "and familyName are both empty: a person needs a name",
                ));
            }
            let email = columns.get(row, "email").to_string();
            if !email.is_empty() && !crate::people_import::valid_email(&email) {
                return Err(fault(
                    file,
                    row.line,
                    "email",
                    format!("“{email}” is not an email address"),
                ));
            }
            let enabled = match columns.get(row, "enableduser") {
                "" => true,
                text => table::boolean(text)
                    .map_err(|reason| fault(file, row.line, "enabledUser", reason))?,
            };
            let role = columns.get(row, "role");
            // 1.2 gives roles in roles.csv; a 1.2 export that still has the column is read too.
            let kind = if role.is_empty() && (version == Version::V1_2 || deleted) {
                None
            } else {
                kind(file, row.line, role, deleted)?
            };
            Ok(User {
                enabled,
                name,
                email,
                username: columns.get(row, "username").to_string(),
                agents: table::list(columns.get(row, "agentsourcedids")),
                year_level: year_level(columns.get(row, "grades")),
                kind,
            })
        },
    );
    roster.roles = read_file(
        package,
        &mut roster,
        File::Roles,
        &["sourcedid", "usersourcedid", "role"],
        |file, columns, row, _deleted| {
            Ok(UserRole {
                user: required(file, columns, row, "usersourcedid", "userSourcedId", false)?
                    .to_string(),
                kind: kind(file, row.line, columns.get(row, "role"), false)?
                    .unwrap_or(Kind::Learner),
            })
        },
    );
    roster.enrollments = read_file(
        package,
        &mut roster,
        File::Enrollments,
        &["sourcedid", "classsourcedid", "usersourcedid", "role"],
        |file, columns, row, _deleted| {
            Ok(Enrollment {
                class: required(
                    file,
                    columns,
                    row,
                    "classsourcedid",
                    "classSourcedId",
                    false,
                )?
                .to_string(),
                user: required(file, columns, row, "usersourcedid", "userSourcedId", false)?
                    .to_string(),
                kind: kind(file, row.line, columns.get(row, "role"), false)?
                    .unwrap_or(Kind::Learner),
            })
        },
    );
    super::gradebook::read(package, &mut roster);
    roster
}
