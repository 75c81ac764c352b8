//! What importing a package would change in an institution, worked out before anything is
//! written: the people, groups and enrolments to create, update and deactivate, the roles and
//! parent links to add, and every row that is wrong. Pure: the store supplies what the
//! institution holds (`Held`) and writes the plan.
//!
//! The rules that make a re-import safe:
//! - a row is matched by its `sourcedId` (kept as the external id); a person also by email, once;
//! - what already matches is left alone, so the same package twice changes nothing;
//! - a row older (`dateLastModified`) than what Cairn holds is skipped;
//! - nothing is deleted: a person, class or enrolment missing from a bulk file, or marked
//!   `tobedeleted` in a delta, is deactivated (a person disabled, a group archived, an
//!   enrolment ended), so evidence and credentials stay;
//! - only rows a roster import wrote are ever deactivated by one.

use std::collections::{HashMap, HashSet};

use super::gradebook::{self, GradebookPlan, HeldGradebook};
use super::parse::{File, Kind, Mode, Record, Roster};
use super::table::fault;
use crate::model::{GroupId, OneRosterError, UserId};

/// A person of the institution as the import sees them.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldPerson {
    pub id: UserId,
    pub external_id: Option<String>,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub year_level: Option<i64>,
    pub modified: Option<jiff::Timestamp>,
    /// Written by a roster import: a later one may deactivate them.
    pub synced: bool,
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HeldGroup {
    pub id: GroupId,
    pub name: String,
    pub class_code: Option<String>,
    pub year_level: Option<i64>,
    pub term: Option<String>,
    pub school: Option<String>,
    pub active: bool,
    pub modified: Option<jiff::Timestamp>,
    pub synced: bool,
}

/// An open enrolment a roster import wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldEnrolment {
    /// The membership's row.
    pub id: i64,
    pub group_id: GroupId,
    pub user_id: UserId,
    pub teacher: bool,
    pub modified: Option<jiff::Timestamp>,
}

/// A school or a term.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldPlace {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub active: bool,
}

/// What the institution holds that a package is compared with.
#[derive(Clone, Debug, Default)]
pub struct Held {
    /// The institution's own address part for people who come without an email
    /// (`{username}@{slug}.invalid`: they cannot sign in until given a real one).
    pub slug: String,
    pub institution_id: crate::model::InstitutionId,
    /// People of the institution with an external id, by it.
    pub people: HashMap<String, HeldPerson>,
    /// People of the institution without one, by lower-case email: matched by email once.
    pub unlinked: HashMap<String, HeldPerson>,
    /// Every email in use anywhere (addresses are unique across Cairn), lower case.
    pub emails: HashSet<String>,
    pub handles: HashSet<String>,
    pub groups: HashMap<String, HeldGroup>,
    pub enrolments: HashMap<String, HeldEnrolment>,
    /// Open memberships no roster import wrote: (group, person, as teacher) → row.
    pub memberships: HashMap<(GroupId, UserId, bool), i64>,
    /// (parent, learner).
    pub links: HashSet<(UserId, UserId)>,
    pub schools: HashMap<String, HeldPlace>,
    pub terms: HashMap<String, HeldPlace>,
    pub gradebook: HeldGradebook,
}

/// A person: one Cairn holds, or the plan's `new_people[n]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PersonRef {
    Held(UserId),
    New(usize),
}

/// A group: one Cairn holds, or the plan's `new_groups[n]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupRef {
    Held(GroupId),
    New(usize),
}

/// A person as the package has them.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub external_id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub year_level: Option<i64>,
    pub modified: Option<jiff::Timestamp>,
}

/// A class as the package has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub external_id: String,
    pub name: String,
    pub class_code: Option<String>,
    pub year_level: Option<i64>,
    pub term: Option<String>,
    pub school: Option<String>,
    pub active: bool,
    pub modified: Option<jiff::Timestamp>,
}

/// A school or term as the package has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub external_id: String,
    pub name: String,
    pub kind: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewEnrolment {
    pub external_id: String,
    pub group: GroupRef,
    pub person: PersonRef,
    pub teacher: bool,
    pub modified: Option<jiff::Timestamp>,
}

/// How an import runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Write the valid rows when some are wrong (otherwise nothing).
    pub valid_rows: bool,
    /// Make the package's administrators Cairn administrators (otherwise they are left out).
    pub administrators: bool,
}

/// Everything an import would write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Schools and terms to create (`None`) or update (their row).
    pub schools: Vec<(Option<i64>, Place)>,
    pub terms: Vec<(Option<i64>, Place)>,
    /// People to create, with a free handle each.
    pub new_people: Vec<(Person, String)>,
    pub updated_people: Vec<(UserId, Person)>,
    pub deactivated_people: Vec<UserId>,
    /// Cairn roles to add (by key).
    pub roles: Vec<(PersonRef, &'static str)>,
    pub new_groups: Vec<Group>,
    pub updated_groups: Vec<(GroupId, Group)>,
    pub archived_groups: Vec<GroupId>,
    pub new_enrolments: Vec<NewEnrolment>,
    /// Memberships that were there already, now known by the enrolment's `sourcedId`.
    pub adopted_enrolments: Vec<(i64, String)>,
    pub ended_enrolments: Vec<i64>,
    /// (parent, learner)
    pub links: Vec<(PersonRef, PersonRef)>,
    /// Administrators left out (the administrator chose not to import them).
    pub administrators_left_out: usize,
    /// Rows older than what Cairn holds.
    pub older_skipped: usize,
    /// Results to record as evidence.
    pub gradebook: GradebookPlan,
    pub errors: Vec<OneRosterError>,
}

impl Plan {
    /// Whether the plan writes anything.
    pub fn changes_nothing(&self) -> bool {
        self.schools.is_empty()
            && self.terms.is_empty()
            && self.new_people.is_empty()
            && self.updated_people.is_empty()
            && self.deactivated_people.is_empty()
            && self.roles.is_empty()
            && self.new_groups.is_empty()
            && self.updated_groups.is_empty()
            && self.archived_groups.is_empty()
            && self.new_enrolments.is_empty()
            && self.adopted_enrolments.is_empty()
            && self.ended_enrolments.is_empty()
            && self.links.is_empty()
            && self.gradebook.grades.is_empty()
    }
}

/// The part of an address made from a name or id: letters, digits, dots and dashes.
fn address_part(text: &str) -> String {
    let part: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '.'
            }
        })
        .collect();
    let part = part.trim_matches('.').to_string();
    if part.is_empty() {
        "person".into()
    } else {
        part.chars().take(60).collect()
    }
}

fn older(row: Option<jiff::Timestamp>, held: Option<jiff::Timestamp>) -> bool {
    matches!((row, held), (Some(row), Some(held)) if row < held)
}

/// Works out the plan for `roster` against `held`.
pub fn plan(roster: &Roster, held: &Held, options: Options) -> Plan {
    let mut planner = Planner {
        roster,
        held,
        plan: Plan {
            errors: roster.errors.clone(),
            ..Plan::default()
        },
        people: HashMap::new(),
        kinds: HashMap::new(),
        groups: HashMap::new(),
        emails: held.emails.clone(),
        handles: held.handles.clone(),
    };
    planner.places();
    planner.people(options);
    planner.links();
    planner.groups();
    planner.enrolments();
    planner.gradebook();
    planner.plan
}

struct Planner<'a> {
    roster: &'a Roster,
    held: &'a Held,
    plan: Plan,
    /// Each live user of the package: the person they are (`None`: left out, an
    /// administrator).
    people: HashMap<&'a str, Option<PersonRef>>,
    kinds: HashMap<&'a str, Vec<Kind>>,
    groups: HashMap<&'a str, GroupRef>,
    emails: HashSet<String>,
    handles: HashSet<String>,
}

impl<'a> Planner<'a> {
    fn error(&mut self, file: File, line: u64, field: &str, reason: String) {
        self.plan
            .errors
            .push(fault(&file.name(), line, field, reason));
    }

    /// Whether `id` is a row of `file` that was wrong (so what points at it is wrong too).
    fn rejected(&self, file: File, id: &str) -> bool {
        self.roster
            .seen
            .get(&file)
            .is_some_and(|seen| seen.contains(id))
    }

    fn places(&mut self) {
        let schools = place_changes(
            self.roster.orgs.iter().map(|org| {
                (
                    org,
                    Place {
                        external_id: org.sourced_id.clone(),
                        name: org.data.name.clone(),
                        kind: org.data.kind.clone(),
                        start: None,
                        end: None,
                        active: !org.deleted,
                    },
                )
            }),
            &self.held.schools,
            self.roster.mode(File::Orgs),
            self.roster.seen.get(&File::Orgs),
        );
        let terms = place_changes(
            self.roster.sessions.iter().map(|session| {
                (
                    session,
                    Place {
                        external_id: session.sourced_id.clone(),
                        name: session.data.title.clone(),
                        kind: session.data.kind.clone(),
                        start: session.data.start.clone(),
                        end: session.data.end.clone(),
                        active: !session.deleted,
                    },
                )
            }),
            &self.held.terms,
            self.roster.mode(File::AcademicSessions),
            self.roster.seen.get(&File::AcademicSessions),
        );
        self.plan.schools = schools;
        self.plan.terms = terms;
    }

    /// Each live user's Cairn roles: their own row's role (1.1), their roles (1.2), and what
    /// their enrolments make them.
    fn kinds(&mut self) {
        for user in &self.roster.users {
            if let Some(kind) = user.data.kind {
                self.kinds.entry(&user.sourced_id).or_default().push(kind);
            }
        }
        for role in self.roster.roles.iter().filter(|role| !role.deleted) {
            self.kinds
                .entry(&role.data.user)
                .or_default()
                .push(role.data.kind);
        }
        for enrollment in self.roster.enrollments.iter().filter(|e| !e.deleted) {
            if matches!(enrollment.data.kind, Kind::Learner | Kind::Teacher) {
                self.kinds
                    .entry(&enrollment.data.user)
                    .or_default()
                    .push(enrollment.data.kind);
            }
        }
        for kinds in self.kinds.values_mut() {
            kinds.sort();
            kinds.dedup();
        }
    }

    fn people(&mut self, options: Options) {
        self.kinds();
        let roster = self.roster;
        for user in &roster.users {
            let held = self.held.people.get(&user.sourced_id).cloned().or_else(|| {
                self.held
                    .unlinked
                    .get(&user.data.email.to_lowercase())
                    .filter(|_| !user.data.email.is_empty())
                    .cloned()
            });
            if user.deleted {
                if let Some(held) = held.filter(|held| held.active && held.synced) {
                    if older(user.modified, held.modified) {
                        self.plan.older_skipped += 1;
                    } else {
                        self.plan.deactivated_people.push(held.id);
                    }
                }
                continue;
            }
            let mut kinds = self
                .kinds
                .get(user.sourced_id.as_str())
                .cloned()
                .unwrap_or_default();
            if !options.administrators && kinds.contains(&Kind::Administrator) {
                kinds.retain(|kind| *kind != Kind::Administrator);
                if kinds.is_empty() {
                    self.plan.administrators_left_out += 1;
                    self.people.insert(&user.sourced_id, None);
                    continue;
                }
            }
            if kinds.is_empty() && held.as_ref().is_none_or(|held| held.roles.is_empty()) {
                let source = if roster.version == Some(super::Version::V1_1) {
                    "a role on users.csv"
                } else {
                    "a row in roles.csv"
                };
                self.error(
                    File::Users,
                    user.line,
                    "role",
                    format!(
                        "{} has no role: give them {source} or an enrolment",
                        user.data.name
                    ),
                );
                continue;
            }
            if let Some(held) = &held {
                if older(user.modified, held.modified) {
                    self.plan.older_skipped += 1;
                    self.people
                        .insert(&user.sourced_id, Some(PersonRef::Held(held.id)));
                    self.kinds.insert(&user.sourced_id, kinds_of(held));
                    continue;
                }
            }
            let email = match (&held, user.data.email.as_str()) {
                (_, email) if !email.is_empty() => email.to_string(),
                (Some(held), _) => held.email.clone(),
                (None, _) => self.invented_email(user),
            };
            let same_email = held
                .as_ref()
                .is_some_and(|held| held.email.eq_ignore_ascii_case(&email));
            if !same_email && self.emails.contains(&email.to_lowercase()) {
                self.error(
                    File::Users,
                    user.line,
                    "email",
                    format!("“{email}” cannot be used for a new account; give the person another address"),
                );
                continue;
            }
            self.emails.insert(email.to_lowercase());
            let person = Person {
                external_id: user.sourced_id.clone(),
                name: user.data.name.clone(),
                email,
                active: user.data.enabled,
                year_level: user
                    .data
                    .year_level
                    .or(held.as_ref().and_then(|h| h.year_level)),
                modified: user
                    .modified
                    .or(held.as_ref().and_then(|held| held.modified)),
            };
            let reference = match &held {
                Some(held) => {
                    let same = held.synced
                        && held.external_id.as_deref() == Some(person.external_id.as_str())
                        && held.name == person.name
                        && held.email == person.email
                        && held.active == person.active
                        && held.year_level == person.year_level
                        && held.modified == person.modified;
                    if !same {
                        self.plan.updated_people.push((held.id, person));
                    }
                    PersonRef::Held(held.id)
                }
                None => {
                    let handle = crate::people_import::handle_for(
                        &person.name,
                        &person.email,
                        &mut self.handles,
                    );
                    self.plan.new_people.push((person, handle));
                    PersonRef::New(self.plan.new_people.len() - 1)
                }
            };
            for kind in &kinds {
                let has = held
                    .as_ref()
                    .is_some_and(|held| held.roles.iter().any(|role| role == kind.role_key()));
                if !has {
                    self.plan.roles.push((reference, kind.role_key()));
                }
            }
            if let Some(held) = &held {
                let mut all = kinds_of(held);
                all.extend(kinds.iter().copied());
                all.sort();
                all.dedup();
                kinds = all;
            }
            self.kinds.insert(&user.sourced_id, kinds);
            self.people.insert(&user.sourced_id, Some(reference));
        }
        if roster.mode(File::Users) == Mode::Bulk {
            let seen = roster.seen.get(&File::Users);
            let mut gone: Vec<UserId> = self
                .held
                .people
                .iter()
                .filter(|(id, held)| {
                    held.synced && held.active && !seen.is_some_and(|seen| seen.contains(*id))
                })
                .map(|(_, held)| held.id)
                .collect();
            gone.sort_unstable();
            self.plan.deactivated_people.extend(gone);
        }
    }

    /// An address for a person who came without one: from their username, else their id.
    fn invented_email(&mut self, user: &Record<super::parse::User>) -> String {
        let local = address_part(if user.data.username.is_empty() {
            &user.sourced_id
        } else {
            user.data.username.split('@').next().unwrap_or_default()
        });
        let domain = format!("{}.invalid", address_part(&self.held.slug));
        let mut email = format!("{local}@{domain}");
        let mut n = 2;
        while self.emails.contains(&email) {
            email = format!("{local}.{n}@{domain}");
            n += 1;
        }
        email
    }

    /// The results, as evidence of the people the roster has now.
    fn gradebook(&mut self) {
        let mut errors = std::mem::take(&mut self.plan.errors);
        let planned = gradebook::plan(
            self.roster,
            &self.held.gradebook,
            |id| self.person(id),
            &mut errors,
        );
        self.plan.errors = errors;
        self.plan.gradebook = planned;
    }

    /// The person a live user id of the package (or Cairn) is, or why there is none.
    fn person(&self, id: &str) -> Result<Option<(PersonRef, Vec<Kind>)>, String> {
        if let Some(found) = self.people.get(id) {
            return Ok(
                found.map(|reference| (reference, self.kinds.get(id).cloned().unwrap_or_default()))
            );
        }
        if self.rejected(File::Users, id) {
            return Err(format!("“{id}”'s row in users.csv is wrong (see its line)"));
        }
        match self.held.people.get(id) {
            Some(held) if held.active => Ok(Some((PersonRef::Held(held.id), kinds_of(held)))),
            Some(_) => Err(format!("“{id}” is a person deactivated in Cairn")),
            None => Err(format!("“{id}” is not in users.csv or in Cairn")),
        }
    }

    /// Parent links through `agentSourcedIds`: either side may carry them.
    fn links(&mut self) {
        let roster = self.roster;
        let mut seen = HashSet::new();
        for user in roster.users.iter().filter(|user| !user.deleted) {
            let Some(Some(me)) = self.people.get(user.sourced_id.as_str()).copied() else {
                continue;
            };
            let my_kinds = self
                .kinds
                .get(user.sourced_id.as_str())
                .cloned()
                .unwrap_or_default();
            for agent in &user.data.agents {
                let (other, their_kinds) = match self.person(agent) {
                    Ok(Some(found)) => found,
                    Ok(None) => continue,
                    Err(reason) => {
                        self.error(File::Users, user.line, "agentSourcedIds", reason);
                        continue;
                    }
                };
                let link = if my_kinds.contains(&Kind::Parent)
                    && their_kinds.contains(&Kind::Learner)
                {
                    (me, other)
                } else if my_kinds.contains(&Kind::Learner) && their_kinds.contains(&Kind::Parent) {
                    (other, me)
                } else {
                    continue;
                };
                let held = match link {
                    (PersonRef::Held(parent), PersonRef::Held(learner)) => {
                        self.held.links.contains(&(parent, learner))
                    }
                    _ => false,
                };
                if !held && seen.insert(link) {
                    self.plan.links.push(link);
                }
            }
        }
    }

    fn groups(&mut self) {
        let roster = self.roster;
        for class in &roster.classes {
            let held = self.held.groups.get(&class.sourced_id);
            if held.is_some_and(|held| older(class.modified, held.modified)) {
                self.plan.older_skipped += 1;
                if let Some(held) = held.filter(|held| held.active) {
                    self.groups
                        .insert(&class.sourced_id, GroupRef::Held(held.id));
                }
                continue;
            }
            if class.deleted {
                if let Some(held) = held.filter(|held| held.active && held.synced) {
                    self.plan.archived_groups.push(held.id);
                }
                continue;
            }
            let term = class.data.terms.first().cloned();
            if let Some(term) = &term {
                if !self.place_known(File::AcademicSessions, term, &self.held.terms) {
                    self.error(
                        File::Classes,
                        class.line,
                        "termSourcedIds",
                        format!("“{term}” is not in academicSessions.csv or in Cairn"),
                    );
                    continue;
                }
            }
            let school = Some(class.data.school.clone()).filter(|school| !school.is_empty());
            if let Some(school) = &school {
                if !self.place_known(File::Orgs, school, &self.held.schools) {
                    self.error(
                        File::Classes,
                        class.line,
                        "schoolSourcedId",
                        format!("“{school}” is not in orgs.csv or in Cairn"),
                    );
                    continue;
                }
            }
            if roster.mode(File::Courses) == Mode::Bulk
                && !class.data.course.is_empty()
                && !roster
                    .courses
                    .iter()
                    .any(|course| course.sourced_id == class.data.course)
            {
                self.error(
                    File::Classes,
                    class.line,
                    "courseSourcedId",
                    format!("“{}” is not in courses.csv", class.data.course),
                );
                continue;
            }
            let group = Group {
                external_id: class.sourced_id.clone(),
                name: class.data.title.clone(),
                class_code: Some(class.data.class_code.clone()).filter(|code| !code.is_empty()),
                year_level: class.data.year_level,
                term,
                school,
                active: true,
                modified: class.modified.or(held.and_then(|held| held.modified)),
            };
            let reference = match held {
                Some(held) => {
                    let same = held.synced
                        && held.name == group.name
                        && held.class_code == group.class_code
                        && held.year_level == group.year_level
                        && held.term == group.term
                        && held.school == group.school
                        && held.active
                        && held.modified == group.modified;
                    if !same {
                        self.plan.updated_groups.push((held.id, group));
                    }
                    GroupRef::Held(held.id)
                }
                None => {
                    self.plan.new_groups.push(group);
                    GroupRef::New(self.plan.new_groups.len() - 1)
                }
            };
            self.groups.insert(&class.sourced_id, reference);
        }
        if roster.mode(File::Classes) == Mode::Bulk {
            let seen = roster.seen.get(&File::Classes);
            let mut gone: Vec<GroupId> = self
                .held
                .groups
                .iter()
                .filter(|(id, held)| {
                    held.synced && held.active && !seen.is_some_and(|seen| seen.contains(*id))
                })
                .map(|(_, held)| held.id)
                .collect();
            gone.sort_unstable();
            self.plan.archived_groups.extend(gone);
        }
    }

    fn place_known(&self, file: File, id: &str, held: &HashMap<String, HeldPlace>) -> bool {
        let in_file = match file {
            File::Orgs => self
                .roster
                .orgs
                .iter()
                .any(|org| org.sourced_id == id && !org.deleted),
            _ => self
                .roster
                .sessions
                .iter()
                .any(|session| session.sourced_id == id && !session.deleted),
        };
        in_file || held.get(id).is_some_and(|place| place.active)
    }

    /// The group a class id of the package (or Cairn) is, or why there is none.
    fn group(&self, id: &str) -> Result<GroupRef, String> {
        if let Some(found) = self.groups.get(id) {
            return Ok(*found);
        }
        if self.rejected(File::Classes, id) {
            return Err(format!(
                "“{id}”'s row in classes.csv is wrong (see its line)"
            ));
        }
        match self.held.groups.get(id) {
            Some(held) if held.active => Ok(GroupRef::Held(held.id)),
            Some(_) => Err(format!("“{id}” is a class archived in Cairn")),
            None => Err(format!("“{id}” is not in classes.csv or in Cairn")),
        }
    }

    fn enrolments(&mut self) {
        let roster = self.roster;
        let mut ended = HashSet::new();
        let mut placed = HashSet::new();
        for enrollment in &roster.enrollments {
            let held = self.held.enrolments.get(&enrollment.sourced_id);
            if held.is_some_and(|held| older(enrollment.modified, held.modified)) {
                self.plan.older_skipped += 1;
                continue;
            }
            if enrollment.deleted {
                if let Some(held) = held {
                    if ended.insert(held.id) {
                        self.plan.ended_enrolments.push(held.id);
                    }
                }
                continue;
            }
            let teacher = match enrollment.data.kind {
                Kind::Learner => false,
                Kind::Teacher => true,
                // Parents and administrators are not members of a class in Cairn.
                Kind::Parent | Kind::Administrator => continue,
            };
            let group = match self.group(&enrollment.data.class) {
                Ok(group) => group,
                Err(reason) => {
                    self.error(File::Enrollments, enrollment.line, "classSourcedId", reason);
                    continue;
                }
            };
            let person = match self.person(&enrollment.data.user) {
                Ok(Some((person, _))) => person,
                Ok(None) => continue,
                Err(reason) => {
                    self.error(File::Enrollments, enrollment.line, "userSourcedId", reason);
                    continue;
                }
            };
            let same = |held: &HeldEnrolment| {
                GroupRef::Held(held.group_id) == group
                    && PersonRef::Held(held.user_id) == person
                    && held.teacher == teacher
            };
            match held {
                Some(held) if same(held) => {}
                _ => {
                    if let Some(held) = held {
                        if ended.insert(held.id) {
                            self.plan.ended_enrolments.push(held.id);
                        }
                    }
                    let open = match (group, person) {
                        (GroupRef::Held(group), PersonRef::Held(person)) => self
                            .held
                            .memberships
                            .get(&(group, person, teacher))
                            .copied(),
                        _ => None,
                    };
                    if !placed.insert((group, person, teacher)) {
                        // Two enrolments of one person in one class as one role: one membership.
                        continue;
                    }
                    match open {
                        Some(row) => self
                            .plan
                            .adopted_enrolments
                            .push((row, enrollment.sourced_id.clone())),
                        None => self.plan.new_enrolments.push(NewEnrolment {
                            external_id: enrollment.sourced_id.clone(),
                            group,
                            person,
                            teacher,
                            modified: enrollment.modified,
                        }),
                    }
                }
            }
        }
        if roster.mode(File::Enrollments) == Mode::Bulk {
            let seen = roster.seen.get(&File::Enrollments);
            let mut gone: Vec<i64> = self
                .held
                .enrolments
                .iter()
                .filter(|(id, held)| {
                    !seen.is_some_and(|seen| seen.contains(*id)) && !ended.contains(&held.id)
                })
                .map(|(_, held)| held.id)
                .collect();
            gone.sort_unstable();
            self.plan.ended_enrolments.extend(gone);
        }
        // A person deactivated, or a class archived, keeps their memberships as history; the
        // enrolments of a class archived end with it.
        let archived: HashSet<GroupId> = self.plan.archived_groups.iter().copied().collect();
        let mut with_class: Vec<i64> = self
            .held
            .enrolments
            .values()
            .filter(|held| archived.contains(&held.group_id) && !ended.contains(&held.id))
            .filter(|held| !self.plan.ended_enrolments.contains(&held.id))
            .map(|held| held.id)
            .collect();
        with_class.sort_unstable();
        self.plan.ended_enrolments.extend(with_class);
    }
}

fn kinds_of(held: &HeldPerson) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = held
        .roles
        .iter()
        .filter_map(|role| match role.as_str() {
            "learner" => Some(Kind::Learner),
            "teacher" => Some(Kind::Teacher),
            "parent" => Some(Kind::Parent),
            "admin" => Some(Kind::Administrator),
            _ => None,
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Schools or terms to create or update, and in a bulk file, those gone to deactivate.
fn place_changes<'r, T: 'r>(
    rows: impl Iterator<Item = (&'r Record<T>, Place)>,
    held: &HashMap<String, HeldPlace>,
    mode: Mode,
    seen: Option<&HashSet<String>>,
) -> Vec<(Option<i64>, Place)> {
    let mut changes = Vec::new();
    for (_, place) in rows {
        match held.get(&place.external_id) {
            Some(held)
                if held.name == place.name
                    && held.kind == place.kind
                    && held.start == place.start
                    && held.end == place.end
                    && held.active == place.active => {}
            Some(held) => changes.push((Some(held.id), place)),
            None if place.active => changes.push((None, place)),
            None => {}
        }
    }
    if mode == Mode::Bulk {
        let mut gone: Vec<(Option<i64>, Place)> = held
            .iter()
            .filter(|(id, held)| held.active && !seen.is_some_and(|seen| seen.contains(*id)))
            .map(|(id, held)| {
                (
                    Some(held.id),
                    Place {
                        external_id: id.clone(),
                        name: held.name.clone(),
                        kind: held.kind.clone(),
                        start: held.start.clone(),
                        end: held.end.clone(),
                        active: false,
                    },
                )
            })
            .collect();
        gone.sort_by_key(|(id, _)| *id);
        changes.extend(gone);
    }
    changes
}
