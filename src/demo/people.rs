//! People: the administrator, the manager, teachers (two per group), learners (one group
//! each) and their parents, with the five demo sign-ins among them.

use super::generator::{Generator, LEARNERS_PER_GROUP};
use super::institution::{role_id, INSTITUTION_ID};
use super::{
    names, DemoLogin, DEMO_ADMIN, DEMO_CO_TEACHER, DEMO_LEARNER, DEMO_MANAGER, DEMO_PARENT,
    DEMO_TEACHER,
};
use crate::model::Role;
use crate::row;
use crate::store::batch::TableRows;

pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
}

impl Person {
    pub fn surname(&self) -> &str {
        self.name
            .split_once(' ')
            .map(|(_, last)| last)
            .unwrap_or("")
    }
}

pub struct Learner {
    pub person: Person,
    /// Index of the learner's group; its row id is `group + 1`.
    pub group: usize,
}

pub struct People {
    pub admin: Person,
    pub manager: Person,
    pub teachers: Vec<Person>,
    pub learners: Vec<Learner>,
    /// The teachers of each group, by group index.
    pub group_teachers: Vec<Vec<i64>>,
    pub logins: Vec<DemoLogin>,
}

/// Every tenth learner after the first group is the younger sibling of the learner one group
/// earlier: same surname, same parent.
fn older_sibling(index: usize) -> Option<usize> {
    let older = index.checked_sub(LEARNERS_PER_GROUP)?;
    older.is_multiple_of(10).then_some(older)
}

/// The users table as it fills up, with each person's role.
struct Directory<'a> {
    users: TableRows,
    user_roles: TableRows,
    logins: Vec<DemoLogin>,
    password_hash: &'a str,
    created: String,
}

impl Directory<'_> {
    fn add(
        &mut self,
        g: &mut Generator,
        role: Role,
        demo_email: Option<&'static str>,
        surname: Option<&str>,
        year_level: Option<i64>,
    ) -> Person {
        let id = self.users.rows.len() as i64 + 1;
        let first = g.pick(names::FIRST_NAMES);
        let last = match surname {
            Some(surname) => surname.to_string(),
            None => g.pick(names::SURNAMES).to_string(),
        };
        let (handle, generated_email) = g.address(first, &last);
        let email = demo_email.map(str::to_string).unwrap_or(generated_email);
        let name = format!("{first} {last}");
        self.users.push(row![
            id,
            INSTITUTION_ID,
            &email,
            &name,
            handle,
            self.password_hash,
            "active",
            year_level,
            &self.created,
        ]);
        self.user_roles.push(row![id, role_id(role)]);
        if let Some(email) = demo_email {
            self.logins.push(DemoLogin {
                email,
                role,
                name: name.clone(),
            });
        }
        Person { id, name, email }
    }
}

pub fn generate(
    g: &mut Generator,
    learner_count: usize,
    password_hash: &str,
    tables: &mut Vec<TableRows>,
) -> People {
    let created = g.created.clone();
    let mut directory = Directory {
        users: TableRows::new(
            "users",
            &[
                "id",
                "institution_id",
                "email",
                "name",
                "handle",
                "password_hash",
                "status",
                "year_level",
                "created_at",
            ],
        ),
        user_roles: TableRows::new("user_roles", &["user_id", "role_id"]),
        logins: Vec::new(),
        password_hash,
        created: created.clone(),
    };
    let admin = directory.add(g, Role::Admin, Some(DEMO_ADMIN), None, None);
    let manager = directory.add(g, Role::Manager, Some(DEMO_MANAGER), None, None);

    // Groups: year levels 7 to 12, then sections A, B, … as the school grows.
    let group_count = learner_count.div_ceil(LEARNERS_PER_GROUP);
    let mut groups = TableRows::new(
        "groups",
        &["id", "institution_id", "name", "year_level", "created_at"],
    );
    let mut group_years = Vec::with_capacity(group_count);
    for index in 0..group_count {
        let year = 7 + (index % 6) as i64;
        let section = index / 6;
        let label = match u8::try_from(section) {
            Ok(section) if section < 26 => char::from(b'A' + section).to_string(),
            _ => (section + 1).to_string(),
        };
        group_years.push(year);
        let name = format!("{year}{label}");
        groups.push(row![index as i64 + 1, INSTITUTION_ID, name, year, &created]);
    }

    // Two teachers per group: teacher t teaches groups t and t + 1.
    let teachers: Vec<Person> = (0..group_count.max(2))
        .map(|index| {
            let email = match index {
                0 => Some(DEMO_TEACHER),
                1 => Some(DEMO_CO_TEACHER),
                _ => None,
            };
            directory.add(g, Role::Teacher, email, None, None)
        })
        .collect();
    let mut members = TableRows::new(
        "group_members",
        &["id", "group_id", "user_id", "member_role", "joined_at"],
    );
    let mut group_teachers: Vec<Vec<i64>> = vec![Vec::new(); group_count];
    for (index, teacher) in teachers.iter().enumerate() {
        for group in [index % group_count, (index + 1) % group_count] {
            if !group_teachers[group].contains(&teacher.id) {
                group_teachers[group].push(teacher.id);
                let id = members.rows.len() as i64 + 1;
                members.push(row![id, group as i64 + 1, teacher.id, "teacher", &created]);
            }
        }
    }

    let mut learners: Vec<Learner> = Vec::with_capacity(learner_count);
    for index in 0..learner_count {
        let group = index / LEARNERS_PER_GROUP;
        let surname = older_sibling(index).map(|s| learners[s].person.surname().to_string());
        let email = (index == 0).then_some(DEMO_LEARNER);
        let year = Some(group_years[group]);
        let person = directory.add(g, Role::Learner, email, surname.as_deref(), year);
        let id = members.rows.len() as i64 + 1;
        members.push(row![id, group as i64 + 1, person.id, "learner", &created]);
        learners.push(Learner { person, group });
    }

    let mut parent_links =
        TableRows::new("parent_links", &["parent_id", "learner_id", "created_at"]);
    let mut parent_of: Vec<i64> = Vec::with_capacity(learner_count);
    for (index, learner) in learners.iter().enumerate() {
        let parent_id = match older_sibling(index) {
            Some(sibling) => parent_of[sibling],
            None => {
                let email = (index == 0).then_some(DEMO_PARENT);
                let surname = Some(learner.person.surname());
                directory.add(g, Role::Parent, email, surname, None).id
            }
        };
        parent_of.push(parent_id);
        parent_links.push(row![parent_id, learner.person.id, &created]);
    }

    let Directory {
        users,
        user_roles,
        logins,
        ..
    } = directory;
    tables.extend([users, user_roles, groups, members, parent_links]);
    People {
        admin,
        manager,
        teachers,
        learners,
        group_teachers,
        logins,
    }
}
