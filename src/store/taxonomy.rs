//! What competencies are filed under: the institution's categories, its skill and value tags,
//! and each framework's areas. Administrators add, rename and delete them; a name is unique
//! (in any case) where it is used, and nothing still filed under a category or area can lose it.

use super::audit::Actor;
use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::model::{InstitutionId, TagKind};

type Tx<'s> = super::write::Write<'s>;

/// Whether another row of `table` in the same scope (`scope` column = id) already has `value`
/// in `column`, in any case. `except` is the row being renamed.
pub(super) async fn taken(
    tx: &mut Tx<'_>,
    (table, column): (&str, &str),
    (scope, scope_id): (&str, i64),
    value: &str,
    except: Option<i64>,
) -> CoreResult<bool> {
    let count: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE {scope} = $1 AND LOWER({column}) = LOWER($2) \
         AND id <> $3"
    ))
    .bind(scope_id)
    .bind(value)
    .bind(except.unwrap_or(0))
    .fetch_one(&mut **tx)
    .await?;
    Ok(count > 0)
}

/// A category's key: its name in lower case, words joined by `-`.
fn category_key(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A category's name, or not found when it is not the institution's.
async fn category_name(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    id: i64,
) -> CoreResult<String> {
    sqlx::query_scalar("SELECT name FROM categories WHERE id = $1 AND institution_id = $2")
        .bind(id)
        .bind(institution_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("category {id}")))
}

/// A tag's name, or not found when it is not the institution's.
async fn tag_name(tx: &mut Tx<'_>, institution_id: InstitutionId, id: i64) -> CoreResult<String> {
    sqlx::query_scalar("SELECT name FROM tags WHERE id = $1 AND institution_id = $2")
        .bind(id)
        .bind(institution_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("tag {id}")))
}

/// An area's framework, code and name, or not found when it is not the institution's.
async fn area_of(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    id: i64,
) -> CoreResult<(i64, String, String)> {
    sqlx::query_as(
        "SELECT a.framework_id, a.code, a.name FROM framework_areas a \
         JOIN frameworks f ON f.id = a.framework_id WHERE a.id = $1 AND f.institution_id = $2",
    )
    .bind(id)
    .bind(institution_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| CoreError::NotFound(format!("area {id}")))
}

/// "3 frameworks and 1 competency": the things still filed under something, counted.
fn uses(counts: &[(i64, &str, &str)]) -> String {
    counts
        .iter()
        .filter(|(count, ..)| *count > 0)
        .map(|(count, one, many)| format!("{count} {}", if *count == 1 { one } else { many }))
        .collect::<Vec<_>>()
        .join(" and ")
}

async fn count(tx: &mut Tx<'_>, sql: &str, id: i64) -> CoreResult<i64> {
    Ok(sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?)
}

impl Store {
    /// Adds a category; its name must be new in the institution.
    pub async fn create_category(&self, by: Actor<'_>, name: &str) -> CoreResult<i64> {
        let key = category_key(name);
        let mut tx = self.write_as(by).await?;
        let scope = ("institution_id", by.institution_id);
        if taken(&mut tx, ("categories", "name"), scope, name, None).await?
            || taken(&mut tx, ("categories", "key"), scope, &key, None).await?
        {
            return Err(CoreError::invalid(
                "name",
                format!("there is already a category {name}"),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO categories (institution_id, key, name, position) VALUES ($1, $2, $3, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM categories WHERE institution_id = $1)) \
             RETURNING id",
        )
        .bind(by.institution_id)
        .bind(&key)
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        self.commit_action(
            tx,
            "create category",
            ("category", Some(id.to_string())),
            name.to_string(),
        )
        .await?;
        Ok(id)
    }

    /// Renames a category. Its key, which addresses and credentials use, stays.
    pub async fn rename_category(&self, by: Actor<'_>, id: i64, name: &str) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let old = category_name(&mut tx, by.institution_id, id).await?;
        let scope = ("institution_id", by.institution_id);
        if taken(&mut tx, ("categories", "name"), scope, name, Some(id)).await? {
            return Err(CoreError::invalid(
                "name",
                format!("there is already a category {name}"),
            ));
        }
        sqlx::query("UPDATE categories SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_action(
            tx,
            "rename category",
            ("category", Some(id.to_string())),
            format!("{old} → {name}"),
        )
        .await?;
        Ok(())
    }

    /// Deletes a category nothing is filed under any more.
    pub async fn delete_category(&self, by: Actor<'_>, id: i64) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let name = category_name(&mut tx, by.institution_id, id).await?;
        let frameworks = count(
            &mut tx,
            "SELECT COUNT(*) FROM frameworks WHERE category_id = $1",
            id,
        )
        .await?;
        let competencies = count(
            &mut tx,
            "SELECT COUNT(*) FROM competencies WHERE category_id = $1",
            id,
        )
        .await?;
        let achievements = count(
            &mut tx,
            "SELECT COUNT(*) FROM achievements WHERE category_id = $1",
            id,
        )
        .await?;
        if frameworks + competencies + achievements > 0 {
            let used = uses(&[
                (frameworks, "framework", "frameworks"),
                (competencies, "competency", "competencies"),
                (achievements, "achievement", "achievements"),
            ]);
            return Err(CoreError::invalid(
                "category",
                format!("{name} is still the category of {used}; move them to another first"),
            ));
        }
        sqlx::query("DELETE FROM categories WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_action(
            tx,
            "delete category",
            ("category", Some(id.to_string())),
            name,
        )
        .await?;
        Ok(())
    }

    /// Adds a skill or value tag; its name must be new in the institution.
    pub async fn create_tag(&self, by: Actor<'_>, name: &str, kind: TagKind) -> CoreResult<i64> {
        let mut tx = self.write_as(by).await?;
        let scope = ("institution_id", by.institution_id);
        if taken(&mut tx, ("tags", "name"), scope, name, None).await? {
            return Err(CoreError::invalid(
                "name",
                format!("there is already a tag {name}"),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tags (institution_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(by.institution_id)
        .bind(name)
        .bind(kind.key())
        .fetch_one(&mut *tx)
        .await?;
        self.commit_action(
            tx,
            "create tag",
            ("tag", Some(id.to_string())),
            format!("{name} ({})", kind.key()),
        )
        .await?;
        Ok(id)
    }

    /// Renames a tag and sets its kind; the competencies keep it.
    pub async fn rename_tag(
        &self,
        by: Actor<'_>,
        id: i64,
        name: &str,
        kind: TagKind,
    ) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let old = tag_name(&mut tx, by.institution_id, id).await?;
        let scope = ("institution_id", by.institution_id);
        if taken(&mut tx, ("tags", "name"), scope, name, Some(id)).await? {
            return Err(CoreError::invalid(
                "name",
                format!("there is already a tag {name}"),
            ));
        }
        sqlx::query("UPDATE tags SET name = $1, kind = $2 WHERE id = $3")
            .bind(name)
            .bind(kind.key())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_action(
            tx,
            "rename tag",
            ("tag", Some(id.to_string())),
            format!("{old} → {name} ({})", kind.key()),
        )
        .await?;
        Ok(())
    }

    /// Deletes a tag; the competencies that had it lose it. The audit line names how many.
    pub async fn delete_tag(&self, by: Actor<'_>, id: i64) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let name = tag_name(&mut tx, by.institution_id, id).await?;
        let competencies = count(
            &mut tx,
            "SELECT COUNT(*) FROM competency_tags WHERE tag_id = $1",
            id,
        )
        .await?;
        sqlx::query("DELETE FROM competency_tags WHERE tag_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tags WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_action(
            tx,
            "delete tag",
            ("tag", Some(id.to_string())),
            format!("{name}, taken off {competencies} competencies"),
        )
        .await?;
        Ok(())
    }

    /// Adds an area to a framework; its code must be new in the framework.
    pub async fn create_area(
        &self,
        by: Actor<'_>,
        framework_id: i64,
        code: &str,
        name: &str,
    ) -> CoreResult<i64> {
        let mut tx = self.write_as(by).await?;
        super::frameworks::framework_of(&mut tx, by.institution_id, framework_id).await?;
        let scope = ("framework_id", framework_id);
        if taken(&mut tx, ("framework_areas", "code"), scope, code, None).await? {
            return Err(CoreError::invalid(
                "code",
                format!("the framework already has an area {code}"),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO framework_areas (framework_id, code, name, position) \
             VALUES ($1, $2, $3, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM framework_areas WHERE framework_id = $1)) \
             RETURNING id",
        )
        .bind(framework_id)
        .bind(code)
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        self.commit_action(
            tx,
            "create area",
            ("framework", Some(framework_id.to_string())),
            format!("{code} {name}"),
        )
        .await?;
        Ok(id)
    }

    /// Gives an area a new code and name; its code must stay unique in the framework.
    pub async fn rename_area(
        &self,
        by: Actor<'_>,
        id: i64,
        code: &str,
        name: &str,
    ) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let (framework_id, old_code, old_name) = area_of(&mut tx, by.institution_id, id).await?;
        let scope = ("framework_id", framework_id);
        if taken(&mut tx, ("framework_areas", "code"), scope, code, Some(id)).await? {
            return Err(CoreError::invalid(
                "code",
                format!("the framework already has an area {code}"),
            ));
        }
        sqlx::query("UPDATE framework_areas SET code = $1, name = $2 WHERE id = $3")
            .bind(code)
            .bind(name)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_action(
            tx,
            "rename area",
            ("framework", Some(framework_id.to_string())),
            format!("{old_code} {old_name} → {code} {name}"),
        )
        .await?;
        Ok(())
    }

    /// Deletes an area no competency is in any more.
    pub async fn delete_area(&self, by: Actor<'_>, id: i64) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let (framework_id, code, name) = area_of(&mut tx, by.institution_id, id).await?;
        let competencies = count(
            &mut tx,
            "SELECT COUNT(*) FROM competencies WHERE area_id = $1",
            id,
        )
        .await?;
        if competencies > 0 {
            let used = uses(&[(competencies, "competency", "competencies")]);
            return Err(CoreError::invalid(
                "area",
                format!("{code} {name} still holds {used}; move them to another area first"),
            ));
        }
        sqlx::query("DELETE FROM framework_areas WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit_action(
            tx,
            "delete area",
            ("framework", Some(framework_id.to_string())),
            format!("{code} {name}"),
        )
        .await?;
        Ok(())
    }
}
