//! From a package's tree to a Cairn framework: which depth becomes areas and which
//! competencies (the administrator chooses; by default the leaves are competencies and the
//! level above them areas), what becomes indicators, names, codes, keywords, year levels and
//! alignments. Every CASE identifier and URI is carried along, so that importing a newer version
//! of the package updates in place.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::export::{AREA_TYPE, COMPETENCY_TYPE};
use super::package::{Item, Package};
use super::tree::{Problem, Tree};

/// Which depths of the tree become areas and competencies (1 is the document's children).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Levels {
    /// None: competencies without areas.
    pub areas: Option<usize>,
    pub competencies: usize,
}

impl Levels {
    /// The default for a tree: competencies at the depth where most leaves are (the deepest of
    /// the tied ones), areas at the depth above it. A package Cairn exported says where its
    /// competencies and areas are with its item types, and is read back at those depths.
    pub fn default_for(package: &Package, tree: &Tree) -> Levels {
        let mut typed_at: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for node in &tree.nodes {
            let item = &package.items[node.item];
            let counts = typed_at.entry(node.depth).or_default();
            counts.0 += usize::from(typed(item, COMPETENCY_TYPE));
            counts.1 += usize::from(typed(item, AREA_TYPE));
        }
        if let Some((&competencies, _)) = typed_at
            .iter()
            .filter(|(_, (competencies, _))| *competencies > 0)
            .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(a.0)))
        {
            let areas = competencies
                .checked_sub(1)
                .filter(|depth| typed_at.get(depth).is_some_and(|(_, areas)| *areas > 0));
            return Levels {
                areas,
                competencies,
            };
        }
        let mut leaves: BTreeMap<usize, usize> = BTreeMap::new();
        for node in tree.nodes.iter().filter(|node| node.children.is_empty()) {
            *leaves.entry(node.depth).or_default() += 1;
        }
        let competencies = leaves
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)))
            .map_or(1, |(depth, _)| *depth);
        Levels {
            areas: (competencies > 1).then(|| competencies - 1),
            competencies,
        }
    }

    /// Whether these levels fit a tree `max_depth` deep.
    pub fn check(&self, max_depth: usize) -> Result<(), String> {
        if self.competencies == 0 || self.competencies > max_depth.max(1) {
            return Err(format!(
                "competencies must be at a depth from 1 to {}",
                max_depth.max(1)
            ));
        }
        match self.areas {
            Some(areas) if areas == 0 || areas >= self.competencies => {
                Err("areas must be at a depth above the competencies".to_string())
            }
            _ => Ok(()),
        }
    }
}

/// What a framework imported from a package holds.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameworkPlan {
    pub identifier: String,
    pub uri: Option<String>,
    pub name: String,
    pub description: String,
    pub last_change: Option<String>,
    pub areas: Vec<AreaPlan>,
    /// Competencies with no area (competencies at depth 1, or no area level chosen).
    pub competencies: Vec<CompetencyPlan>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AreaPlan {
    pub identifier: String,
    pub uri: Option<String>,
    pub code: String,
    pub name: String,
    pub competencies: Vec<CompetencyPlan>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompetencyPlan {
    pub identifier: String,
    pub uri: Option<String>,
    pub code: String,
    pub name: String,
    /// The item's `fullStatement` (Markdown; rendered safely where it is shown).
    pub statement: String,
    pub keywords: Vec<String>,
    pub year_levels: Vec<String>,
    pub notes: String,
    pub item_type: Option<String>,
    pub last_change: Option<String>,
    pub indicators: Vec<IndicatorPlan>,
    pub alignments: Vec<AlignmentPlan>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorPlan {
    pub identifier: String,
    pub text: String,
}

/// An association of a competency (or of an indicator under it) other than `isChildOf`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlignmentPlan {
    /// The association's identifier.
    pub identifier: Option<String>,
    /// The CASE association type: `exactMatchOf`, `isRelatedTo`, `isPeerOf`, …
    pub kind: String,
    pub target_name: String,
    pub target_uri: Option<String>,
    pub target_identifier: String,
    /// The target's code when it is in the same package.
    pub target_code: Option<String>,
}

/// The plan of a package at `levels`: its framework, and its problems (items kept out of the
/// tree) and notes.
pub fn plan(package: &Package, tree: &Tree, levels: Levels) -> FrameworkPlan {
    let items = &package.items;
    let definitions = package.definitions.as_ref();
    let node_of: HashMap<usize, usize> = tree
        .nodes
        .iter()
        .enumerate()
        .map(|(node, entry)| (entry.item, node))
        .collect();

    // Each node's competency (itself, or the competency above an indicator).
    let mut competency_nodes: Vec<usize> = Vec::new();
    let mut competency_of: HashMap<usize, usize> = HashMap::new();
    for node in tree.in_order() {
        let entry = &tree.nodes[node];
        // Under a competency: an indicator of it.
        if let Some(&competency) = entry.parent.and_then(|parent| competency_of.get(&parent)) {
            competency_of.insert(node, competency);
            continue;
        }
        // A leaf above the competency level is a competency too (nothing of the tree is lost),
        // and so is what Cairn's own export typed as one, wherever it stands.
        let is_competency = entry.depth == levels.competencies
            || (entry.depth < levels.competencies && entry.children.is_empty())
            || typed(&items[entry.item], COMPETENCY_TYPE);
        if is_competency {
            competency_nodes.push(node);
            competency_of.insert(node, node);
        }
    }

    let mut codes = Codes::default();
    let mut competencies: BTreeMap<usize, CompetencyPlan> = BTreeMap::new();
    for &node in &competency_nodes {
        let item = &items[tree.nodes[node].item];
        // Items between the area level and this competency name it more closely.
        let between: Vec<String> = tree
            .ancestors(node)
            .into_iter()
            .filter(|&a| {
                levels
                    .areas
                    .is_some_and(|areas| tree.nodes[a].depth > areas)
            })
            .map(|a| short_name(&items[tree.nodes[a].item]))
            .collect();
        let own = short_name(item);
        let name = if between.is_empty() {
            own
        } else {
            format!("{} › {own}", between.join(" › "))
        };
        competencies.insert(
            node,
            CompetencyPlan {
                identifier: item.identifier.trim().to_string(),
                uri: clean(&item.uri),
                code: codes.unique(code(item)),
                name: shorten(&name, 200),
                statement: item
                    .full_statement
                    .clone()
                    .unwrap_or_default()
                    .trim()
                    .into(),
                keywords: item.concept_keywords.clone(),
                year_levels: item.education_level.clone(),
                notes: item.notes.clone().unwrap_or_default().trim().into(),
                item_type: item.type_name(definitions),
                last_change: clean(&item.last_change_date_time),
                indicators: Vec::new(),
                alignments: Vec::new(),
            },
        );
    }
    // Indicators: what lies under a competency, in order.
    for node in tree.in_order() {
        let Some(&competency) = competency_of.get(&node) else {
            continue;
        };
        if competency == node {
            continue;
        }
        let item = &items[tree.nodes[node].item];
        let statement = item.full_statement.as_deref().unwrap_or("").trim();
        let text = match item.human_coding_scheme.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => format!("{code} {statement}"),
            _ => statement.to_string(),
        };
        if let Some(plan) = competencies.get_mut(&competency) {
            plan.indicators.push(IndicatorPlan {
                identifier: item.identifier.trim().to_string(),
                text,
            });
        }
    }
    // Alignments: every association but `isChildOf` from (or to) an item that became a
    // competency or an indicator, to a node that is not the same competency.
    let in_package: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (item.identifier.trim(), index))
        .collect();
    let mut seen: HashSet<(usize, String, String)> = HashSet::new();
    for association in &package.associations {
        if association
            .association_type
            .eq_ignore_ascii_case("isChildOf")
        {
            continue;
        }
        let (Some(origin), Some(destination)) =
            (association.origin.id(), association.destination.id())
        else {
            continue;
        };
        let competency_at = |id: &str| {
            in_package
                .get(id)
                .and_then(|item| node_of.get(item))
                .and_then(|node| competency_of.get(node))
                .copied()
        };
        // Seen from the competency's side: its origin, else its destination.
        let (competency, target, link) = match (competency_at(origin), competency_at(destination)) {
            (Some(c), other) if other != Some(c) => (c, destination, &association.destination),
            // Seen from the destination's side only when the type reads the same both ways:
            // "A precedes B" is not "B precedes A".
            (None, Some(c)) if symmetric(&association.association_type) => {
                (c, origin, &association.origin)
            }
            _ => continue,
        };
        let kind = association.association_type.trim().to_string();
        if !seen.insert((competency, kind.clone(), target.to_string())) {
            continue;
        }
        let target_item = in_package.get(target).map(|&index| &items[index]);
        let target_name = target_item
            .map(short_name)
            .or_else(|| clean(&link.title))
            .or_else(|| clean(&link.uri))
            .unwrap_or_else(|| target.to_string());
        // A target outside the package keeps its code: the one Cairn's export wrote in its URN
        // (an alignment typed with a code), else an identifier that is a code rather than a
        // UUID or URI (as other tools write them).
        let coded = clean(&link.uri).and_then(|uri| {
            let code = uri.strip_prefix(NO_URI)?.strip_prefix(CODE_URN)?;
            Some(code.replace("%20", " ").replace("%25", "%"))
        });
        let target_code = match target_item {
            Some(item) => clean(&item.human_coding_scheme),
            None => coded.or_else(|| {
                (!looks_like_uuid(target) && !target.contains(':')).then(|| target.to_string())
            }),
        };
        let target_uri = clean(&link.uri)
            .filter(|uri| !uri.starts_with(NO_URI))
            .or_else(|| target_item.and_then(|i| clean(&i.uri)));
        if let Some(plan) = competencies.get_mut(&competency) {
            plan.alignments.push(AlignmentPlan {
                identifier: clean(&association.identifier),
                kind,
                target_name: shorten(&target_name, 200),
                target_uri,
                target_identifier: target.to_string(),
                target_code,
            });
        }
    }

    // Areas: the nodes at the area level, named with the path above them.
    let mut areas: Vec<AreaPlan> = Vec::new();
    let mut area_index: HashMap<usize, usize> = HashMap::new();
    let mut loose: Vec<CompetencyPlan> = Vec::new();
    let mut area_codes = Codes::default();
    for &node in &competency_nodes {
        let plan = competencies
            .remove(&node)
            .expect("every competency is planned");
        let area = levels.areas.and_then(|depth| {
            tree.ancestors(node)
                .into_iter()
                .find(|&a| tree.nodes[a].depth == depth)
        });
        let Some(area) = area else {
            loose.push(plan);
            continue;
        };
        let index = *area_index.entry(area).or_insert_with(|| {
            let item = &items[tree.nodes[area].item];
            let mut path: Vec<String> = tree
                .ancestors(area)
                .into_iter()
                .map(|a| short_name(&items[tree.nodes[a].item]))
                .collect();
            path.push(short_name(item));
            areas.push(AreaPlan {
                identifier: item.identifier.trim().to_string(),
                uri: clean(&item.uri),
                code: area_codes.unique(code(item)),
                name: shorten(&path.join(" › "), 200),
                competencies: Vec::new(),
            });
            areas.len() - 1
        });
        areas[index].competencies.push(plan);
    }

    let document = &package.document;
    FrameworkPlan {
        identifier: document.identifier.trim().to_string(),
        uri: clean(&document.uri),
        name: shorten(
            &clean(&document.title).unwrap_or_else(|| "Imported framework".into()),
            200,
        ),
        description: clean(&document.description).unwrap_or_default(),
        last_change: clean(&document.last_change_date_time),
        areas,
        competencies: loose,
    }
}

impl FrameworkPlan {
    /// Every competency, areas' first.
    pub fn all_competencies(&self) -> impl Iterator<Item = &CompetencyPlan> {
        self.areas
            .iter()
            .flat_map(|area| area.competencies.iter())
            .chain(self.competencies.iter())
    }
}

/// Problems as lines for a person: "RL.1.2 (uuid): has no fullStatement".
pub fn describe(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

/// The URI Cairn's export gives an alignment's target that has none (CASE requires one).
pub const NO_URI: &str = "urn:cairn:alignment:";

/// After `NO_URI`, what marks the rest as the target's code.
pub const CODE_URN: &str = "code:";

fn looks_like_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| {
            matches!(i, 8 | 13 | 18 | 23) == (c == '-') && (c == '-' || c.is_ascii_hexdigit())
        })
}

/// Association types that say the same read from either end.
fn symmetric(kind: &str) -> bool {
    ["exactMatchOf", "isRelatedTo", "isPeerOf"]
        .iter()
        .any(|symmetric| kind.eq_ignore_ascii_case(symmetric))
}

/// Whether Cairn's own export gave the item this item type.
fn typed(item: &Item, kind: &str) -> bool {
    item.item_type_uri
        .as_ref()
        .and_then(|link| link.identifier.as_deref())
        == Some(kind)
}

fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// An item's code: its human coding scheme, else its list enumeration, else the start of its
/// identifier.
fn code(item: &Item) -> String {
    clean(&item.human_coding_scheme)
        .or_else(|| clean(&item.list_enumeration))
        .unwrap_or_else(|| item.identifier.trim().chars().take(8).collect())
}

/// An item's name: its abbreviated statement, else its alternative label, else the first words
/// of its statement.
pub(crate) fn short_name(item: &Item) -> String {
    clean(&item.abbreviated_statement)
        .or_else(|| clean(&item.alternative_label))
        .unwrap_or_else(|| first_words(item.full_statement.as_deref().unwrap_or(""), 12))
}

/// The first `count` words of a statement, its Markdown marks left out, with "…" when cut.
fn first_words(statement: &str, count: usize) -> String {
    let plain: String = statement
        .chars()
        .map(|c| {
            if matches!(c, '*' | '_' | '#' | '`' | '>') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    if words.len() <= count {
        words.join(" ")
    } else {
        let cut = words[..count].join(" ");
        format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// Codes made unique within a framework: a second "A.1" becomes "A.1 (2)".
#[derive(Default)]
struct Codes(HashMap<String, usize>);

impl Codes {
    fn unique(&mut self, code: String) -> String {
        let code = shorten(&code, 60);
        let seen = self.0.entry(code.to_lowercase()).or_default();
        *seen += 1;
        if *seen == 1 {
            code
        } else {
            format!("{code} ({seen})")
        }
    }
}
